/**
 * The `<|file-…|>` markers the model was told to write, turned into `file_citation`
 * annotations as Llama Stack 0.2 does it: each marker leaves the text (with one space
 * before it, since markers sit at sentence ends), and a marker naming a file the search
 * returned becomes an annotation whose `index` is where the marker stood in the cleaned
 * text, counted in code points as Python counts. Markers naming other files just vanish.
 */
import type { ResponseOutputText } from "openai/resources/responses/responses";

const MARKER = /<\|(file-[A-Za-z0-9_-]+)\|>/g;

export function extractCitations(
  text: string,
  citationFiles: Readonly<Record<string, string>>,
): { text: string; annotations: ResponseOutputText.FileCitation[] } {
  const annotations: ResponseOutputText.FileCitation[] = [];
  let cleaned = "";
  let length = 0;
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    let prefix = text.slice(last, match.index);
    if (prefix.endsWith(" ")) prefix = prefix.slice(0, -1);
    cleaned += prefix;
    length += Array.from(prefix).length;
    const fileId = match[1] as string;
    if (Object.hasOwn(citationFiles, fileId)) {
      annotations.push({
        type: "file_citation",
        file_id: fileId,
        filename: citationFiles[fileId] as string,
        index: length,
      });
    }
    last = match.index + match[0].length;
  }
  return { text: cleaned + text.slice(last), annotations };
}

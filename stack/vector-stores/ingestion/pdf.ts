/**
 * Text out of a PDF with Mozilla's PDF.js (pure JS). Pages are joined by "\n" as Llama
 * Stack joins pypdf's pages; within a page, text runs follow each other and a line
 * break ends each line.
 *
 * pypdf (what Llama Stack 0.2 used) spells the same PDF differently: it adds a space
 * wherever glyphs are placed apart and a "\n" wherever the text position jumps, so a
 * PDF that places each word on its own reads "Llama  Stack  \n…" there and
 * "Llama Stack\n…" here. Chunk texts of PDFs therefore differ from Llama Stack's.
 */
import type { TextItem } from "pdfjs-dist/types/src/display/api.js";

// PDF.js logs font fallbacks and the like unless told to keep quiet.
const ERRORS_ONLY = 0;

export async function pdfText(bytes: Uint8Array): Promise<string> {
  // Loaded on the first PDF: PDF.js takes ~0.3 s to load, which every process (each
  // Playwright worker) would pay whether it reads a PDF or not.
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  // PDF.js takes ownership of (detaches) the buffer it is given: hand it a copy.
  const document = await getDocument({
    data: new Uint8Array(bytes),
    verbosity: ERRORS_ONLY,
    isEvalSupported: false,
    useSystemFonts: false,
  }).promise;
  try {
    const pages: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      let text = "";
      for (const item of content.items) {
        if (!("str" in item)) continue;
        text += (item as TextItem).str;
        if ((item as TextItem).hasEOL) text += "\n";
      }
      pages.push(text);
      page.cleanup();
    }
    return pages.join("\n");
  } finally {
    await document.destroy();
  }
}

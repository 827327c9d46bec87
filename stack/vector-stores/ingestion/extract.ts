/**
 * A file's text, by the type its name says (Llama Stack guesses with Python's
 * `mimetypes`, so do we): `text/*` decoded (UTF-8, or Windows-1252 when the bytes are not
 * UTF-8), PDF through PDF.js. JSON is read as text too, which Llama Stack 0.2 does not
 * do (it extracts nothing from `application/json` and fails the file).
 */
import { extname } from "node:path";
import { pdfText } from "./pdf.ts";

// Python's `mimetypes` defaults for the extensions that hold text, and PDF.
const MIME_TYPES: Readonly<Record<string, string>> = {
  ".txt": "text/plain",
  ".text": "text/plain",
  ".log": "text/plain",
  ".c": "text/plain",
  ".h": "text/plain",
  ".md": "text/markdown",
  ".markdown": "text/markdown",
  ".csv": "text/csv",
  ".tsv": "text/tab-separated-values",
  ".html": "text/html",
  ".htm": "text/html",
  ".xml": "text/xml",
  ".css": "text/css",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".py": "text/x-python",
  ".json": "application/json",
  ".pdf": "application/pdf",
};

export function mimeTypeOf(filename: string): string | undefined {
  return MIME_TYPES[extname(filename).toLowerCase()];
}

export class ExtractionError extends Error {
  override readonly name = "ExtractionError";
  /** OpenAI's `last_error.code`: a type the stack cannot read, or a file of that type it could not read. */
  readonly code: "unsupported_file" | "invalid_file";
  constructor(code: "unsupported_file" | "invalid_file", message: string) {
    super(message);
    this.code = code;
  }
}

export async function extractText(filename: string, bytes: Uint8Array): Promise<string> {
  const mimeType = mimeTypeOf(filename);
  if (mimeType === "application/pdf") {
    try {
      return await pdfText(bytes);
    } catch (error) {
      throw new ExtractionError(
        "invalid_file",
        `'${filename}' could not be read as a PDF: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (mimeType?.startsWith("text/") || mimeType === "application/json") return decodeText(bytes);
  const supported = Object.keys(MIME_TYPES).join(", ");
  throw new ExtractionError(
    "unsupported_file",
    `No text can be extracted from '${filename}': its type is not known by its extension. ` +
      `Upload it with one of these extensions: ${supported}.`,
  );
}

/** UTF-8 (a BOM is dropped), else Windows-1252, which decodes any byte: what chardet mostly concludes. */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

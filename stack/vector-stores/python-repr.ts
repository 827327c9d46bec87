/**
 * Python's `repr()` of JSON-like values. Llama Stack writes Python dicts into text that
 * reaches the model (`str(metadata)` is tokenized to count a chunk's metadata tokens;
 * the file_search tool result prints each hit's `attributes`), so the stack spells them
 * as Python would, byte for byte.
 */
import { pythonFloatRepr } from "../../recorder/index.ts";

export interface ReprOptions {
  /**
   * Print every number as a float (`98` → `98.0`): what Llama Stack's search results
   * hold, since their attributes are typed `str | float | bool`.
   */
  numbersAsFloats?: boolean;
}

export function pythonRepr(value: unknown, options: ReprOptions = {}): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return numberRepr(value, options);
  if (typeof value === "string") return stringRepr(value);
  if (Array.isArray(value)) return `[${value.map((item) => pythonRepr(item, options)).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value).map(
      ([key, item]) => `${stringRepr(key)}: ${pythonRepr(item, options)}`,
    );
    return `{${entries.join(", ")}}`;
  }
  return stringRepr(String(value));
}

/** `f"{x}"` of a Python float: `repr`, except that infinities read `inf`. */
export function pythonFloatText(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  return pythonFloatRepr(value);
}

function numberRepr(value: number, options: ReprOptions): string {
  // JSON does not tell 2 from 2.0; an integral value is taken for an int, as JSON's writers mean it.
  if (Number.isInteger(value) && !options.numbersAsFloats) return String(value);
  return pythonFloatText(value);
}

// What Python's str.isprintable() refuses, besides the ASCII space which it accepts.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (char === quote || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char !== " " && NON_PRINTABLE.test(char)) out += escapeCode(code);
    else out += char;
  }
  return out + quote;
}

function escapeCode(code: number): string {
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\U${code.toString(16).padStart(8, "0")}`;
}

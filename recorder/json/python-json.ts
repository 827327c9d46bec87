/**
 * JSON text byte-identical to Python's `json.dumps`, which Llama Stack uses both to
 * hash requests (`sort_keys=True`) and to write recording files (`indent=2`).
 * Differences from JSON.stringify: every non-ASCII character (and DEL) is escaped as
 * lowercase `\uXXXX`, floats are spelled as Python spells them, `", "` separates
 * items on one line, and NaN/Infinity are written rather than nulled.
 */
import { isPythonFloat, PyFloat, pythonFloatRepr } from "./python-float.ts";

export type JsonLeaf = string | number | PyFloat;

export interface PythonJsonOptions {
  sortKeys?: boolean;
  /** Spaces per level; undefined writes everything on one line. */
  indent?: number;
  /** Rewrites each string and number as it is written (hash normalization), saving a copy of the tree. */
  mapLeaf?: (leaf: JsonLeaf) => JsonLeaf;
}

// Python's ensure_ascii escapes DEL too. The test uses a regex without the global
// flag, whose lastIndex state would make repeated .test() calls skip matches.
const NON_ASCII = /[\u007f-\uffff]/g;
const HAS_NON_ASCII = /[\u007f-\uffff]/;

function escapeNonAscii(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** A JSON string literal with Python's `ensure_ascii` escaping. */
export function pythonJsonString(value: string): string {
  const quoted = JSON.stringify(value);
  return HAS_NON_ASCII.test(quoted) ? quoted.replace(NON_ASCII, escapeNonAscii) : quoted;
}

function numberText(value: number | PyFloat): string {
  if (value instanceof PyFloat) return pythonFloatRepr(value.valueOf());
  return isPythonFloat(value) ? pythonFloatRepr(value) : String(value);
}

export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  const { sortKeys = false, indent, mapLeaf } = options;
  const itemSeparator = indent === undefined ? ", " : ",";

  const write = (node: unknown, depth: number): string => {
    if (node === null || node === undefined) return "null";
    if (typeof node === "string" || typeof node === "number" || node instanceof PyFloat) {
      const leaf = mapLeaf ? mapLeaf(node) : node;
      return typeof leaf === "string" ? pythonJsonString(leaf) : numberText(leaf);
    }
    if (typeof node === "boolean") return node ? "true" : "false";
    if (typeof node === "bigint") return node.toString();
    const open = indent === undefined ? "" : `\n${" ".repeat(indent * (depth + 1))}`;
    const close = indent === undefined ? "" : `\n${" ".repeat(indent * depth)}`;
    if (Array.isArray(node)) {
      if (node.length === 0) return "[]";
      const items = node.map((item) => write(item, depth + 1));
      return `[${open}${items.join(itemSeparator + open)}${close}]`;
    }
    const record = node as Record<string, unknown>;
    const keys = Object.keys(record).filter((key) => record[key] !== undefined);
    if (keys.length === 0) return "{}";
    if (sortKeys) sortByCodePoint(keys);
    const members = keys.map((key) => `${pythonJsonString(key)}: ${write(record[key], depth + 1)}`);
    return `{${open}${members.join(itemSeparator + open)}${close}}`;
  };

  return write(value, 0);
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * Python sorts str keys by code point; JS's default sort compares UTF-16 units, which
 * agree unless a key holds an astral character.
 */
function sortByCodePoint(keys: string[]): void {
  keys.sort();
  if (keys.some((key) => SURROGATE.test(key))) keys.sort(compareCodePoints);
}

function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

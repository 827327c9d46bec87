/**
 * How a request body is normalized before it is hashed, per scheme: what makes two
 * requests that mean the same thing hash the same. Llama Stack 0.2 rounds floats and
 * long decimals inside strings; OGX 0.8 also blanks file_search's run-dependent text
 * (scores, attributes, document ids, citations), drops `project_id` from `extra_body` /
 * `extra_query`, and leaves Bedrock's `stream_options` out.
 */
import { formatFixed5, isPythonFloat, PyFloat, roundPython5 } from "../json/python-float.ts";
import type { JsonLeaf } from "../json/python-json.ts";
import type { HashScheme } from "./schemes.ts";

const DECIMAL_IN_STRING = /-?\d+\.\d{4,}/g;
const HAS_DECIMAL_IN_STRING = /\d\.\d{4}/;

// Python's `\s` on str: what str.isspace() accepts (JS's \s differs in \x1c-\x1f, \x85 and \ufeff).
const WS =
  "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const UUID = "[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}";
const FILE_SEARCH_RULES: ReadonlyArray<{ marker: string; pattern: RegExp; replacement: string }> = [
  {
    marker: "score:",
    pattern: new RegExp(`score:${WS}*[-+]?\\d*\\.?\\d+(?:[eE][-+]?\\d+)?`, "g"),
    replacement: "score: __NORMALIZED__",
  },
  {
    marker: "attributes:",
    pattern: new RegExp(`,?${WS}*attributes:${WS}*\\{[^}]*\\}`, "g"),
    replacement: "",
  },
  {
    marker: "document_id:",
    pattern: new RegExp(`document_id:${WS}*${UUID}`, "g"),
    replacement: "document_id: __NORMALIZED__",
  },
  { marker: "<|", pattern: new RegExp(`<\\|${UUID}\\|>`, "g"), replacement: "<|__NORMALIZED__|>" },
];

function decimalsRounded(text: string): string {
  return HAS_DECIMAL_IN_STRING.test(text)
    ? text.replace(DECIMAL_IN_STRING, (literal) => formatFixed5(Number(literal)))
    : text;
}

/** OGX's file_search rules, before the decimal rule; each is tried only when its marker is there. */
function fileSearchBlanked(text: string): string {
  let result = text;
  for (const { marker, pattern, replacement } of FILE_SEARCH_RULES) {
    if (result.includes(marker)) result = result.replace(pattern, replacement);
  }
  return result;
}

function floatRounded(value: number | PyFloat): JsonLeaf {
  if (!isPythonFloat(value)) return value;
  // Still a float in Python when rounding lands on an integer: 1e-07 hashes as 0.0.
  const rounded = roundPython5(value.valueOf());
  return Number.isInteger(rounded) ? new PyFloat(rounded) : rounded;
}

/** Llama Stack 0.2: floats to 5 places, long decimals inside strings to 5 decimals. */
export function normalizeLeafLlamaStack(value: JsonLeaf): JsonLeaf {
  return typeof value === "string" ? decimalsRounded(value) : floatRounded(value);
}

/** OGX 0.8: the same, after file_search's scores, attributes, document ids and citations are blanked. */
export function normalizeLeafOgx(value: JsonLeaf): JsonLeaf {
  return typeof value === "string" ? decimalsRounded(fileSearchBlanked(value)) : floatRounded(value);
}

export const LEAF_NORMALIZERS: Readonly<Record<HashScheme, (value: JsonLeaf) => JsonLeaf>> = {
  "llama-stack-0.2": normalizeLeafLlamaStack,
  "ogx-0.8": normalizeLeafOgx,
};

const EXTRAS = ["extra_body", "extra_query"] as const;

/**
 * OGX 0.8's changes at the body's root (only there): `project_id` out of `extra_body` and
 * `extra_query` (it differs between real and dummy credentials), and `stream_options` out
 * when `excludeStreamOptions` (Bedrock's host). Returns `body` itself when nothing changes.
 */
export function normalizeRootOgx(body: unknown, excludeStreamOptions: boolean): unknown {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  if (excludeStreamOptions && "stream_options" in record) {
    copy = { ...record };
    delete copy.stream_options;
  }
  for (const key of EXTRAS) {
    const extra = record[key];
    if (extra === null || typeof extra !== "object" || Array.isArray(extra) || !("project_id" in extra))
      continue;
    const { project_id: _dropped, ...rest } = extra as Record<string, unknown>;
    copy ??= { ...record };
    copy[key] = rest;
  }
  return copy ?? body;
}

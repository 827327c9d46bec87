/**
 * JSON.parse that keeps Python's integral floats (`0.0`, `2e3`) distinguishable from
 * integers, as `PyFloat`s, so that hashing and rewriting a file written by Python
 * gives the bytes Python would give.
 */
import { PyFloat } from "./python-float.ts";

// A cheap pre-check: most files hold no such literal and take the plain JSON.parse path.
// The lookbehinds skip digits inside words and escapes ("0e4f", "\\u00e1,") so that
// ordinary ids and non-ASCII text do not send every file down the slow path.
const MAY_HOLD_INTEGRAL_FLOAT =
  /(?<![\w"-])-?\d+(?:\.\d+)?[eE][+-]?\d+(?=[,\s\]}])|(?<![\w."-])-?\d+\.0+(?=[,\s\]}])/;
const NUMBER_TOKEN = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SENTINEL = "\u0000py-float:";
/** The sentinel as it is spelled inside a JSON string literal. */
const SENTINEL_IN_JSON = "\\u0000py-float:";

export function parsePreservingFloats(text: string): unknown {
  if (!MAY_HOLD_INTEGRAL_FLOAT.test(text)) return JSON.parse(text);
  const marked = markIntegralFloats(text);
  if (marked === text) return JSON.parse(text);
  return JSON.parse(marked, (_key, value) =>
    typeof value === "string" && value.startsWith(SENTINEL)
      ? new PyFloat(Number(value.slice(SENTINEL.length)))
      : value,
  );
}

/** Rewrites each integral float literal outside strings as a sentinel string. */
function markIntegralFloats(text: string): string {
  let out = "";
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const char = text.charCodeAt(i);
    if (char === 0x22 /* " */) {
      i = endOfString(text, i);
      continue;
    }
    const isNumberStart = char === 0x2d /* - */ || (char >= 0x30 && char <= 0x39);
    if (!isNumberStart) {
      i++;
      continue;
    }
    NUMBER_TOKEN.lastIndex = i;
    const match = NUMBER_TOKEN.exec(text);
    if (!match) {
      i++;
      continue;
    }
    const literal = match[0];
    const end = i + literal.length;
    if (/[.eE]/.test(literal) && Number.isInteger(Number(literal))) {
      out += `${text.slice(copiedUpTo, i)}"${SENTINEL_IN_JSON}${literal}"`;
      copiedUpTo = end;
    }
    i = end;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

function endOfString(text: string, openingQuote: number): number {
  let i = openingQuote + 1;
  while (i < text.length) {
    const char = text.charCodeAt(i);
    if (char === 0x5c /* \ */) i += 2;
    else if (char === 0x22) return i + 1;
    else i++;
  }
  return i;
}

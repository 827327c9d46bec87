/**
 * Llama 3's tokenizer, which Llama Stack 0.2 chunks files with: tiktoken BPE over the
 * 128,000 ranks of `llama3-tokenizer.model` (copied unchanged from Llama Stack's
 * `llama_stack/models/llama/llama3/tokenizer.model`), run by js-tiktoken. Chunk texts
 * are decoded token windows, and they go upstream to `/v1/embeddings`, so only the very
 * same tokenizer gives the very same requests (and token counts in the tool results).
 *
 * Special tokens are left out: Llama Stack encodes with `disallowed_special=()`, which
 * reads `<|begin_of_text|>` in a file as plain text.
 */
import { readFileSync } from "node:fs";
import { Tiktoken } from "js-tiktoken/lite";

const RANKS_FILE = new URL("./llama3-tokenizer.model", import.meta.url);

// Llama 3's pattern, with its `(?i:'s|'t|…)` spelled out: Node 20's RegExp has no inline flags.
const CONTRACTIONS = ["s", "t", "re", "ve", "m", "ll", "d"]
  .flatMap(caseVariants)
  .map((suffix) => `'${suffix}`);
const PATTERN = `(${CONTRACTIONS.join("|")})|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`;

// Llama Stack encodes long texts in slices, as tiktoken's Rust core can panic on huge pieces.
const MAX_ENCODE_CHARS = 400_000;
const MAX_RUN_CHARS = 25_000;

export interface Tokenizer {
  encode(text: string): number[];
  decode(tokens: readonly number[]): string;
}

let instance: Tokenizer | undefined;

/** The tokenizer, loaded on first use (parsing the ranks takes a moment, once per process). */
export function llama3Tokenizer(): Tokenizer {
  instance ??= load();
  return instance;
}

function load(): Tokenizer {
  const ranks: string[] = [];
  for (const line of readFileSync(RANKS_FILE, "utf8").split("\n")) {
    const [token, rank] = line.trim().split(" ");
    if (!token || rank === undefined) continue;
    ranks[Number(rank)] = token;
  }
  // js-tiktoken's compact form: "<name> <first rank> <token> <token> …" per line.
  const encoding = new Tiktoken({
    pat_str: PATTERN,
    special_tokens: {},
    bpe_ranks: `! 0 ${ranks.join(" ")}`,
  });
  return {
    encode: (text) => {
      const tokens: number[] = [];
      for (const slice of slices(text)) tokens.push(...encoding.encode(slice, [], []));
      return tokens;
    },
    decode: (tokens) => encoding.decode([...tokens]),
  };
}

/**
 * Llama Stack's slicing: pieces of at most 400,000 characters, each cut further so that
 * no run of whitespace or of non-whitespace exceeds 25,000 characters. Python counts
 * code points, so this does too.
 */
function* slices(text: string): Generator<string> {
  const chars = Array.from(text);
  for (let start = 0; start < chars.length; start += MAX_ENCODE_CHARS) {
    yield* splitLongRuns(chars.slice(start, start + MAX_ENCODE_CHARS));
  }
}

function* splitLongRuns(chars: string[]): Generator<string> {
  let runLength = 0;
  let runIsSpace = chars.length > 0 && isSpace(chars[0] as string);
  let sliceStart = 0;
  for (let i = 0; i < chars.length; i++) {
    const space = isSpace(chars[i] as string);
    if (space !== runIsSpace) {
      runLength = 1;
      runIsSpace = space;
    } else if (++runLength > MAX_RUN_CHARS) {
      yield chars.slice(sliceStart, i).join("");
      sliceStart = i;
      runLength = 1;
    }
  }
  yield chars.slice(sliceStart).join("");
}

function isSpace(char: string): boolean {
  return /^\s$/u.test(char);
}

function caseVariants(text: string): string[] {
  let variants = [""];
  for (const char of text) {
    variants = variants.flatMap((prefix) => [prefix + char, prefix + char.toUpperCase()]);
  }
  return variants;
}

/**
 * Redaction of a stream's reassembled content. A model streams text in pieces, so a
 * secret it repeats may arrive split across chunks ("sk-pr" + "oj-…"), and no single
 * chunk holds it. The deltas of one logical text (a choice's content, a tool call's
 * arguments, a Responses item's text) are followed across chunks; while the text so far
 * ends with the beginning of a secret, chunks are held back; once it cannot, the held
 * chunks are redacted together, so that their deltas reassemble to the text with the
 * secret replaced, and released.
 *
 * Release order and content are the same for the caller in record mode and for the
 * recording, so record and replay still hand over identical bytes.
 */
import type { Redactor, Secret } from "./redactor.ts";

/** Fields that tell apart the logical texts deltas belong to. */
const IDENTITY_FIELDS = ["index", "item_id", "output_index", "content_index", "summary_index"] as const;

interface Piece {
  holder: Record<string, unknown> | unknown[];
  field: string | number;
  text: string;
}

/** Where a string sits in a chunk, when it is a piece of a text streamed in deltas. */
type DeltaVisitor = (key: string, holder: Piece["holder"], field: Piece["field"], text: string) => void;

export class StreamRedactor {
  readonly #redactor: Redactor;
  readonly #secrets: readonly Secret[];
  #held: unknown[] = [];
  /** Per logical text, the pieces the held chunks hold, in order. */
  #texts = new Map<string, Piece[]>();

  constructor(redactor: Redactor) {
    this.#redactor = redactor;
    this.#secrets = redactor.secrets;
  }

  /** Takes a parsed chunk; returns the chunks that may be released now, redacted. */
  push(chunk: unknown): unknown[] {
    if (this.#secrets.length === 0) return [chunk];
    this.#held.push(chunk);
    const add = (key: string, holder: Piece["holder"], field: Piece["field"], text: string) => {
      const pieces = this.#texts.get(key);
      const piece = { holder, field, text };
      if (pieces) pieces.push(piece);
      else this.#texts.set(key, [piece]);
    };
    // A chunk of plain text is itself the piece: its holder is the list of held chunks.
    if (typeof chunk === "string") add("text", this.#held, this.#held.length - 1, chunk);
    else visitDeltas(chunk, add);
    for (const pieces of this.#texts.values()) {
      if (this.#endsWithSecretStart(pieces)) return [];
    }
    return this.#release();
  }

  /** The stream ended: whatever is held, redacted. */
  end(): unknown[] {
    return this.#held.length ? this.#release() : [];
  }

  #release(): unknown[] {
    for (const pieces of this.#texts.values()) this.#redactAcross(pieces);
    const released = this.#held.map((chunk) => this.#redactor.knownSecrets(chunk));
    this.#held = [];
    this.#texts = new Map();
    return released;
  }

  #endsWithSecretStart(pieces: Piece[]): boolean {
    // Only the tail can hold a secret's beginning: no need to join everything.
    let tail = "";
    for (let index = pieces.length - 1; index >= 0 && tail.length < this.#longest(); index--)
      tail = (pieces[index]?.text ?? "") + tail;
    for (const { value } of this.#secrets) {
      for (let length = Math.min(value.length - 1, tail.length); length > 0; length--) {
        if (tail.endsWith(value.slice(0, length))) return true;
      }
    }
    return false;
  }

  #longest(): number {
    return this.#secrets[0]?.value.length ?? 0;
  }

  /**
   * Finds secrets in the pieces' concatenation and cuts them out of the pieces: the
   * piece where an occurrence starts gets the marker in its place, the others lose
   * their share of it.
   */
  #redactAcross(pieces: Piece[]): void {
    if (pieces.length < 2) return;
    const whole = pieces.map((piece) => piece.text).join("");
    const cuts: Array<{ start: number; end: number; marker: string }> = [];
    const taken = new Array<boolean>(whole.length).fill(false);
    for (const { name, value } of this.#secrets) {
      for (let at = whole.indexOf(value); at >= 0; at = whole.indexOf(value, at + value.length)) {
        if (taken.slice(at, at + value.length).some(Boolean)) continue;
        taken.fill(true, at, at + value.length);
        cuts.push({ start: at, end: at + value.length, marker: `<redacted:${name}>` });
      }
    }
    if (cuts.length === 0) return;
    let offset = 0;
    for (const piece of pieces) {
      const start = offset;
      const end = offset + piece.text.length;
      offset = end;
      let text = "";
      for (let at = start; at < end; at++) {
        const cut = cuts.find((candidate) => candidate.start <= at && at < candidate.end);
        if (!cut) text += whole[at];
        else if (cut.start === at) text += cut.marker;
      }
      if (text !== piece.text) (piece.holder as Record<string | number, unknown>)[piece.field] = text;
    }
  }
}

/**
 * Calls `visit` for every string in `chunk` that is a delta: under a `delta` object
 * (chat chunks), a `delta` field (Responses events) or a completion choice's `text`.
 * The key joins the path with the identity fields met on the way, so the deltas of one
 * text share a key across chunks.
 */
export function visitDeltas(chunk: unknown, visit: DeltaVisitor): void {
  const isCompletion = (chunk as { object?: unknown } | null)?.object === "text_completion";
  const walk = (value: unknown, path: string, inDelta: boolean) => {
    if (Array.isArray(value)) {
      value.forEach((item, position) => {
        if (typeof item === "string") {
          if (inDelta) visit(`${path}[${position}]`, value, position, item);
        } else walk(item, `${path}[${identityOf(item) ?? position}]`, inDelta);
      });
      return;
    }
    if (value === null || typeof value !== "object") return;
    const record = value as Record<string, unknown>;
    for (const [field, item] of Object.entries(record)) {
      const itemPath = `${path}.${field}`;
      const delta = inDelta || field === "delta" || (isCompletion && field === "text");
      if (typeof item === "string") {
        if (delta) visit(itemPath, record, field, item);
      } else walk(item, itemPath, delta);
    }
  };
  walk(chunk, identityOf(chunk) ?? "", false);
}

function identityOf(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const field of IDENTITY_FIELDS) {
    if (record[field] !== undefined && typeof record[field] !== "object")
      parts.push(`${field}=${record[field]}`);
  }
  const type = record.type;
  if (typeof type === "string" && type.endsWith(".delta")) parts.push(type);
  return parts.length ? parts.join(",") : undefined;
}

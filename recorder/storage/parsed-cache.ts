/**
 * Recordings already read, parsed and validated, by path: replaying the same file again
 * (a retried test, a repeated one, the bench) costs a `stat` instead of a read, a parse
 * and a validation, as a warm Polly.js holds its HAR in memory.
 *
 * An entry holds while its file's inode, size and modification time are the ones read:
 * the recorder writes by rename, so a rewritten file is a new inode. Files modified in
 * the last STEADY_MS are not kept (a rewrite within one clock tick could keep all three),
 * nor are links (their own times say nothing of their target). Entries are dropped oldest
 * first past MAX_BYTES of file text.
 */
import { lstatSync } from "node:fs";
import type { Recording } from "./recording-types.ts";

const STEADY_MS = 2_500;
const MAX_BYTES = 64 * 1024 * 1024;

interface Entry {
  ino: number;
  size: number;
  mtimeMs: number;
  recording: Recording;
}

export class ParsedCache {
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  /**
   * The file's recording, from memory while the file is unchanged, else from `read` (and
   * kept for next time); undefined when the file does not exist.
   */
  get(file: string, read: () => Recording | undefined): Recording | undefined {
    const stat = lstatSync(file, { throwIfNoEntry: false });
    if (!stat) return undefined;
    const entry = this.#entries.get(file);
    if (entry && entry.ino === stat.ino && entry.size === stat.size && entry.mtimeMs === stat.mtimeMs) {
      // Most recently used last, so that eviction takes the oldest first.
      this.#entries.delete(file);
      this.#entries.set(file, entry);
      return entry.recording;
    }
    if (entry) this.#drop(file, entry);
    // The file's stat is taken before it is read: a change in between leaves a stale stat, never stale content.
    const recording = read();
    if (recording && stat.isFile() && Date.now() - stat.mtimeMs > STEADY_MS && stat.size <= MAX_BYTES) {
      this.#entries.set(file, { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, recording });
      this.#bytes += stat.size;
      for (const [oldest, old] of this.#entries) {
        if (this.#bytes <= MAX_BYTES) break;
        this.#drop(oldest, old);
      }
    }
    return recording;
  }

  #drop(file: string, entry: Entry): void {
    this.#entries.delete(file);
    this.#bytes -= entry.size;
  }
}

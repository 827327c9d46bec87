/**
 * Which recordings a folder holds for each test and call: the one question a replay miss
 * asks ("what did this test record at this endpoint?") without reading the whole folder
 * each time. The first miss reads every file once; later misses in the process look up
 * the answer.
 *
 * A failed test restarts its Playwright worker, so a run where everything misses starts
 * hundreds of processes: a large folder's index (PERSIST_FROM files or more) is also kept
 * on disk, in shards by test id, for the next process to read one shard instead of every
 * file.
 *
 * Every use first checks the folder is as it was indexed: each directory's inode and
 * modification time (which any file created, removed or renamed in it changes: the
 * recorder writes by rename). An index is only trusted for later when its folder had not
 * changed for STEADY_MS before the scan began, so a write within one clock tick of the
 * scan is never missed. A file rewritten in place by hand goes unnoticed until the folder
 * changes; replay never reads the index, only a miss's diagnosis does, and it re-reads and
 * re-checks every file it names.
 */
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative } from "node:path";
import { writeFileAtomically } from "./atomic-write.ts";

/** What the index files a recording under: its test, and the call it answers (see callKeyOf). */
export interface IndexEntry {
  testId: string | null;
  callKey: string;
}

export interface FolderIndexOptions {
  /** A file's text; undefined (or a throw) when it cannot be read. */
  read(file: string): string | undefined;
  /** What a file's text is filed under; undefined for a file that is no recording. */
  entryOf(text: string): IndexEntry | undefined;
  /** The folder's recording files, sorted, calling `onFolder` before reading each directory. */
  list(folder: string, onFolder: (directory: string) => void): string[];
  /** Where large folders' indexes are kept between processes; null: in memory only. */
  cacheDir?: string | null;
  /** Folders of fewer files are quicker to scan than to cache. */
  persistFrom?: number;
}

export const PERSIST_FROM = 1_000;
/** Longer than any file system's timestamp granularity (FAT's is 2 s). */
const STEADY_MS = 2_500;
const SHARDS = 64;
const FORMAT = 1;

/** Each directory as indexed: path relative to the folder, inode, modification time (ns). */
type Stamp = Array<[string, string, string]>;
/** Per test (its id as JSON), per call key, file paths relative to the folder. */
type Tests = Record<string, Record<string, string[]>>;

interface Shard {
  format: number;
  folder: string;
  stamp: Stamp;
  tests: Tests;
}

/** The default place for indexes kept between processes: a folder of this user's own. */
export function defaultIndexCacheDir(): string {
  return join(tmpdir(), `responses-harness-${process.getuid?.() ?? "user"}`, "miss-index");
}

export class FolderIndex {
  readonly #folder: string;
  readonly #options: FolderIndexOptions;
  /** The whole folder, from a scan: `stamp` undefined when it may not be trusted again. */
  #scanned: { stamp: Stamp | undefined; tests: Tests } | undefined;
  /** Shards read from the disk cache, by number. */
  readonly #shards = new Map<number, Shard>();

  constructor(folder: string, options: FolderIndexOptions) {
    this.#folder = folder;
    this.#options = options;
  }

  /** The files filed under this test and any of these call keys, sorted by path within each key. */
  files(testId: string | null, callKeys: readonly string[]): string[] {
    const calls = this.#testsHolding(testId)[testKey(testId)] ?? {};
    return callKeys.flatMap((key) => (calls[key] ?? []).map((file) => join(this.#folder, file)));
  }

  /** An index that still describes the folder and holds this test's entries, scanning if none does. */
  #testsHolding(testId: string | null): Tests {
    if (this.#scanned?.stamp && this.#holds(this.#scanned.stamp)) return this.#scanned.tests;
    const number = shardOf(testId);
    const known = this.#shards.get(number);
    if (known && this.#holds(known.stamp)) return known.tests;
    const cached = this.#readShard(number);
    if (cached) {
      this.#shards.set(number, cached);
      return cached.tests;
    }
    return this.#scan().tests;
  }

  #holds(stamp: Stamp): boolean {
    for (const [directory, inode, modified] of stamp) {
      const stat = statSync(join(this.#folder, directory), { bigint: true, throwIfNoEntry: false });
      if (!stat || String(stat.ino) !== inode || String(stat.mtimeNs) !== modified) return false;
    }
    return stamp.length > 0;
  }

  #scan(): { stamp: Stamp | undefined; tests: Tests } {
    const started = Date.now();
    const stamp: Stamp = [];
    let newest = 0;
    const files = this.#options.list(this.#folder, (directory) => {
      const stat = statSync(directory, { bigint: true, throwIfNoEntry: false });
      if (!stat) return;
      stamp.push([relative(this.#folder, directory), String(stat.ino), String(stat.mtimeNs)]);
      newest = Math.max(newest, Number(stat.mtimeMs));
    });
    const tests: Tests = {};
    for (const file of files) {
      const entry = this.#entryOfFile(file);
      if (!entry) continue;
      const key = testKey(entry.testId);
      const calls = tests[key] ?? {};
      tests[key] = calls;
      const named = calls[entry.callKey] ?? [];
      calls[entry.callKey] = named;
      named.push(relative(this.#folder, file));
    }
    const steady = stamp.length > 0 && started - newest >= STEADY_MS;
    this.#scanned = { stamp: steady ? stamp : undefined, tests };
    if (steady && files.length >= (this.#options.persistFrom ?? PERSIST_FROM))
      this.#writeShards(stamp, tests);
    return this.#scanned;
  }

  #entryOfFile(file: string): IndexEntry | undefined {
    try {
      const text = this.#options.read(file);
      return text === undefined ? undefined : this.#options.entryOf(text);
    } catch {
      return undefined;
    }
  }

  #shardFile(number: number): string | undefined {
    const root = this.#options.cacheDir;
    if (!root) return undefined;
    const key = createHash("sha256").update(this.#folder).digest("hex").slice(0, 24);
    return join(root, key, `${String(number).padStart(2, "0")}.json`);
  }

  #readShard(number: number): Shard | undefined {
    const file = this.#shardFile(number);
    if (!file || !ownFolder(this.#options.cacheDir)) return undefined;
    let shard: Shard;
    try {
      shard = JSON.parse(readFileSync(file, "utf8")) as Shard;
    } catch {
      return undefined;
    }
    if (shard?.format !== FORMAT || shard.folder !== this.#folder || !Array.isArray(shard.stamp))
      return undefined;
    if (!this.#holds(shard.stamp) || !insideFolder(shard.tests)) return undefined;
    return shard;
  }

  /** Every shard, even an empty one: a shard left from an older scan must never be read as current. */
  #writeShards(stamp: Stamp, tests: Tests): void {
    const first = this.#shardFile(0);
    if (!first) return;
    try {
      mkdirSync(dirname(first), { recursive: true, mode: 0o700 });
      if (!ownFolder(this.#options.cacheDir)) return;
      const shards = Array.from({ length: SHARDS }, (): Tests => ({}));
      for (const [key, calls] of Object.entries(tests)) {
        const shard = shards[shardOf(JSON.parse(key) as string | null)];
        if (shard) shard[key] = calls;
      }
      for (const [number, shardTests] of shards.entries()) {
        const shard: Shard = { format: FORMAT, folder: this.#folder, stamp, tests: shardTests };
        writeFileAtomically(this.#shardFile(number) as string, JSON.stringify(shard));
      }
    } catch {
      // A cache that cannot be written is only slower: every process scans for itself.
    }
  }
}

function testKey(testId: string | null): string {
  return JSON.stringify(testId);
}

function shardOf(testId: string | null): number {
  return (createHash("sha256").update(testKey(testId)).digest()[0] ?? 0) % SHARDS;
}

/** The cache's root exists as a real folder of this user's (nobody else's files are read as an index). */
function ownFolder(root: string | null | undefined): boolean {
  if (!root) return false;
  try {
    const stat = lstatSync(root);
    const uid = process.getuid?.();
    return stat.isDirectory() && (uid === undefined || stat.uid === uid);
  } catch {
    return false;
  }
}

/** A shard names files below its folder only. */
function insideFolder(tests: Tests): boolean {
  if (typeof tests !== "object" || tests === null) return false;
  for (const calls of Object.values(tests)) {
    for (const files of Object.values(calls)) {
      if (!Array.isArray(files)) return false;
      for (const file of files) {
        if (typeof file !== "string" || isAbsolute(file) || file.split(/[\\/]/).includes("..")) return false;
      }
    }
  }
  return true;
}

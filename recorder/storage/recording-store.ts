/**
 * Where recordings live: `<root>/<suite>/<hash>.json`, the suite taken from the test
 * id's spec path (`tests/integration/<suite>/…`), `<root>/common/` for calls made
 * outside any test. Lookups go straight to a file name: no directory listing, so a folder
 * of 100,000 recordings costs what a folder of 10 does; a file read before is answered
 * from memory while it is unchanged (parsed-cache.ts). Only a replay miss, looking for the
 * test's nearest recording, reads an index of the folder (folder-index.ts).
 *
 * A test id comes from the caller (over HTTP, from anyone): it only ever picks a suite
 * among the names allowed, and every path read or written is checked to lie inside the
 * root, links included.
 */
import { lstatSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { isInside, linkTarget, realFolder } from "./contained-path.ts";
import { defaultIndexCacheDir, FolderIndex, type IndexEntry } from "./folder-index.ts";
import { isLeftover, removeStaleLeftovers } from "./leftovers.ts";
import { ParsedCache } from "./parsed-cache.ts";
import {
  callKeyOf,
  type Recording,
  RecordingFileError,
  readRecordingFile,
  readRecordingText,
  writeRecordingFile,
} from "./recording-file.ts";

export const COMMON_SUITE = "common";
/** Lookups serve replay, which re-serializes with JSON.stringify: no need to keep `0.0` apart from `0`. */
const REPLAY_READ = { preserveFloats: false };
/** Without a list of suites, any one plain folder name: no dots, so never `..`. */
const PLAIN_SUITE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
/** Names the recorder itself gives files: `<hash>.json`, `models-<hash>-<digest>.json`. */
const PLAIN_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*\.json$/;

export interface FoundRecording {
  file: string;
  recording: Recording;
}

export interface StoreOptions {
  /**
   * The suites that have folders (a harness's catalog). A test id naming any other
   * suite is filed under `common/`. Default: any plain folder name.
   */
  suites?: readonly string[];
  /**
   * Where the index a replay miss reads (folder-index.ts) is kept between processes for
   * large folders; null keeps it in memory only. Default: a folder of the user's own
   * under the system's temporary folder.
   */
  indexCacheDir?: string | null;
  /** Folders of at least this many files have their index kept between processes (default 1,000). */
  indexPersistFrom?: number;
}

/**
 * The suite a test id belongs to: the folder under `integration/`, else its spec's
 * folder, when that is an allowed suite name; otherwise `common`.
 */
export function suiteOfTestId(testId: string | null | undefined, suites?: ReadonlySet<string>): string {
  if (!testId) return COMMON_SUITE;
  const specPath = testId.split("::")[0] ?? "";
  const match = /(?:^|\/)integration\/([^/]+)\//.exec(specPath);
  const candidate = match?.[1] ?? basename(dirname(specPath));
  const allowed = suites ? suites.has(candidate) : PLAIN_SUITE_NAME.test(candidate);
  return allowed ? candidate : COMMON_SUITE;
}

export class RecordingStore {
  readonly root: string;
  readonly #suites: ReadonlySet<string> | undefined;
  #realRoot: string | undefined;
  /** Folders already proven to lie inside the root (by real path). */
  readonly #checkedFolders = new Set<string>();
  readonly #indexOptions: Pick<StoreOptions, "indexCacheDir" | "indexPersistFrom">;
  /** Each suite folder's index of recordings by test and call, made on the first miss there. */
  readonly #indexes = new Map<string, FolderIndex>();
  readonly #parsed = new ParsedCache();

  constructor(root: string, options: StoreOptions = {}) {
    this.root = resolve(root);
    this.#suites = options.suites ? new Set(options.suites) : undefined;
    this.#indexOptions = options;
  }

  suiteOf(testId: string | null | undefined): string {
    return suiteOfTestId(testId, this.#suites);
  }

  folderFor(testId: string | null | undefined): string {
    return join(this.root, this.suiteOf(testId));
  }

  /** The suite's folder first, then `common/`, as Llama Stack searches. */
  searchFolders(testId: string | null | undefined): string[] {
    const own = this.folderFor(testId);
    const common = join(this.root, COMMON_SUITE);
    return own === common ? [own] : [own, common];
  }

  find(hash: string, testId: string | null | undefined): FoundRecording | undefined {
    return this.findName(`${hash}.json`, testId);
  }

  /** The first of the search folders that holds a file of this name. */
  findName(name: string, testId: string | null | undefined): FoundRecording | undefined {
    for (const folder of this.searchFolders(testId)) {
      const realRoot = this.#containedFolder(folder);
      if (realRoot === undefined) continue;
      const file = join(folder, name);
      const recording = this.#read(file, realRoot);
      if (recording) return { file, recording };
    }
    return undefined;
  }

  /**
   * Model lists are stored one file per model set (`models-<hash>-<digest>.json`) and
   * merged on replay. Unlike other lookups this lists the folders; model lists are
   * fetched once per stack start, not per request.
   */
  findModelLists(hash: string, testId: string | null | undefined): FoundRecording[] {
    const prefix = `models-${hash}-`;
    const found: FoundRecording[] = [];
    for (const folder of this.searchFolders(testId)) {
      const realRoot = this.#containedFolder(folder);
      if (realRoot === undefined) continue;
      for (const name of readdirSync(folder).sort()) {
        if (!name.startsWith(prefix) || !name.endsWith(".json")) continue;
        const file = join(folder, name);
        const recording = this.#read(file, realRoot);
        if (recording) found.push({ file, recording });
      }
    }
    return found;
  }

  /** Writes atomically into the recording's suite folder; an interrupted write's stale leftovers there go too. */
  write(fileName: string, recording: Recording): string {
    const folder = this.folderFor(recording.test_id);
    const file = join(folder, fileName);
    if (!PLAIN_FILE_NAME.test(fileName)) {
      throw new RecordingFileError(file, "is not a name the recorder writes (<hash>.json).");
    }
    mkdirSync(folder, { recursive: true });
    this.#containedFolder(folder);
    removeStaleLeftovers(folder);
    writeRecordingFile(file, recording);
    return file;
  }

  /** A listed file's text, links followed only inside the root; undefined when it is gone. */
  readText(file: string): string | undefined {
    if (this.#realRoot === undefined) this.#realRoot = realFolder(this.root);
    return this.#realRoot === undefined ? undefined : readRecordingText(file, { realRoot: this.#realRoot });
  }

  /**
   * The recordings in the test's folder of this test and any of these calls (callKeys),
   * sorted within each call: what a replay miss compares its request with.
   */
  recordingsOf(testId: string | null, keys: readonly string[]): string[] {
    const folder = this.folderFor(testId);
    let index = this.#indexes.get(folder);
    if (!index) {
      const { indexCacheDir, indexPersistFrom } = this.#indexOptions;
      index = new FolderIndex(folder, {
        read: (file) => this.readText(file),
        entryOf: indexEntryOf,
        list: (root, onFolder) => listRecordingFiles(root, { onFolder }),
        cacheDir: indexCacheDir === undefined ? defaultIndexCacheDir() : indexCacheDir,
        ...(indexPersistFrom === undefined ? {} : { persistFrom: indexPersistFrom }),
      });
      this.#indexes.set(folder, index);
    }
    return index.files(testId, keys);
  }

  /** Every recording file under the root, sorted: for the CLI and for diagnostics. */
  listFiles(folder = this.root): string[] {
    return listRecordingFiles(folder);
  }

  /** A recording replay reads, parsed once while its file is unchanged (parsed-cache.ts). */
  #read(file: string, realRoot: string): Recording | undefined {
    return this.#parsed.get(file, () => readRecordingFile(file, { ...REPLAY_READ, realRoot }));
  }

  /**
   * The root's real path when `folder` (under it) exists and really lies inside it,
   * undefined when it does not exist; an error when a link leads it out.
   */
  #containedFolder(folder: string): string | undefined {
    if (this.#realRoot === undefined) this.#realRoot = realFolder(this.root);
    const realRoot = this.#realRoot;
    if (realRoot === undefined) return undefined;
    if (this.#checkedFolders.has(folder)) return realRoot;
    const real = realFolder(folder);
    if (real === undefined) return undefined;
    if (!isInside(realRoot, real)) {
      throw new RecordingFileError(
        folder,
        `leads to ${real}, outside the recordings folder ${realRoot}: the recorder does not follow links out of it. Replace the link by a folder.`,
      );
    }
    this.#checkedFolders.add(folder);
    return realRoot;
  }
}

/** A recording's test and call, read without validating the rest: the index only points at files. */
function indexEntryOf(text: string): IndexEntry | undefined {
  const value = JSON.parse(text) as Partial<Recording> | null;
  if (typeof value !== "object" || value === null) return undefined;
  if (typeof value.request !== "object" || value.request === null) return undefined;
  const testId = value.test_id ?? null;
  if (typeof testId !== "string" && testId !== null) return undefined;
  const callKey = callKeyOf(value as Recording);
  return callKey === undefined ? undefined : { testId, callKey };
}

/** One entry of a recordings folder listing, as the CLI reports it. */
export interface ListedFile {
  path: string;
  /** A regular recording file, an interrupted write's leftover, or a symbolic link (to `target`). */
  kind: "file" | "leftover" | "link";
  /** Where a link points (undefined when nowhere that exists). */
  target?: string | undefined;
}

/** How to list a folder: see listEntries. */
export interface ListOptions {
  includeLeftovers?: boolean;
  /** Called with each directory just before it is read (folder-index.ts stamps it). */
  onFolder?: (directory: string) => void;
}

/**
 * The entries under `folder` (or `folder` itself, if it is a file), sorted: recording
 * files, links of any kind (never followed here), and with `includeLeftovers` the
 * temporary files interrupted writes left behind.
 */
export function listEntries(folder: string, options: ListOptions = {}): ListedFile[] {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(folder);
  } catch {
    return [];
  }
  if (stat.isSymbolicLink() && statSync(folder, { throwIfNoEntry: false })?.isFile())
    return [{ path: folder, kind: "link", target: linkTarget(folder) }];
  if (stat.isFile()) return [{ path: folder, kind: "file" }];
  options.onFolder?.(folder);
  const entries: ListedFile[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) entries.push(...listEntries(path, options));
    else if (entry.isSymbolicLink()) entries.push({ path, kind: "link", target: linkTarget(path) });
    else if (!entry.isFile()) continue;
    else if (entry.name.endsWith(".json") && !entry.name.startsWith("."))
      entries.push({ path, kind: "file" });
    else if (options.includeLeftovers && isLeftover(entry.name)) entries.push({ path, kind: "leftover" });
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The recording files under `folder` (links among them), sorted. */
export function listRecordingFiles(folder: string, options: ListOptions = {}): string[] {
  return listEntries(folder, options).map((entry) => entry.path);
}

export { isLeftover };

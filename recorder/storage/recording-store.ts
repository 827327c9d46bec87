/**
 * Where recordings live: `<root>/<suite>/<hash>.json`, the suite taken from the test
 * id's spec path (`tests/integration/<suite>/…`), `<root>/common/` for calls made
 * outside any test. Lookups go straight to a file name: no directory listing and no
 * index in memory, so a folder of 10,000 recordings costs what a folder of 10 does.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { type Recording, readRecordingFile, writeRecordingFile } from "./recording-file.ts";

export const COMMON_SUITE = "common";
/** Lookups serve replay, which re-serializes with JSON.stringify: no need to keep `0.0` apart from `0`. */
const REPLAY_READ = { preserveFloats: false };

export interface FoundRecording {
  file: string;
  recording: Recording;
}

/** The suite a test id belongs to: the folder under `integration/`, else its spec's folder. */
export function suiteOfTestId(testId: string | null | undefined): string {
  if (!testId) return COMMON_SUITE;
  const specPath = testId.split("::")[0] ?? "";
  const match = /(?:^|\/)integration\/([^/]+)\//.exec(specPath);
  if (match?.[1]) return match[1];
  return basename(dirname(specPath)) || COMMON_SUITE;
}

export class RecordingStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  folderFor(testId: string | null | undefined): string {
    return join(this.root, suiteOfTestId(testId));
  }

  /** The suite's folder first, then `common/`, as Llama Stack searches. */
  searchFolders(testId: string | null | undefined): string[] {
    const own = this.folderFor(testId);
    const common = join(this.root, COMMON_SUITE);
    return own === common ? [own] : [own, common];
  }

  find(hash: string, testId: string | null | undefined): FoundRecording | undefined {
    for (const folder of this.searchFolders(testId)) {
      const file = join(folder, `${hash}.json`);
      const recording = readRecordingFile(file, REPLAY_READ);
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
      if (!existsSync(folder)) continue;
      for (const name of readdirSync(folder).sort()) {
        if (!name.startsWith(prefix) || !name.endsWith(".json")) continue;
        const file = join(folder, name);
        const recording = readRecordingFile(file, REPLAY_READ);
        if (recording) found.push({ file, recording });
      }
    }
    return found;
  }

  write(fileName: string, recording: Recording): string {
    const file = join(this.folderFor(recording.test_id), fileName);
    writeRecordingFile(file, recording);
    return file;
  }

  /** Every recording file under the root, sorted: for the CLI and for diagnostics. */
  listFiles(folder = this.root): string[] {
    return listRecordingFiles(folder);
  }
}

const LEFTOVER = /^\..*\.tmp$/;

/**
 * The recording files under `folder` (or `folder` itself, if it is a file), sorted.
 * `includeLeftovers` adds the temporary files an interrupted write left behind.
 */
export function listRecordingFiles(folder: string, { includeLeftovers = false } = {}): string[] {
  if (!existsSync(folder)) return [];
  if (statSync(folder).isFile()) return [folder];
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...listRecordingFiles(path, { includeLeftovers }));
    else if (!entry.isFile()) continue;
    else if (entry.name.endsWith(".json") && !entry.name.startsWith(".")) files.push(path);
    else if (includeLeftovers && LEFTOVER.test(entry.name)) files.push(path);
  }
  return files.sort();
}

export function isLeftover(file: string): boolean {
  return LEFTOVER.test(basename(file));
}

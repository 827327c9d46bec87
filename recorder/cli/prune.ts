/**
 * `prune`: recordings whose test no longer exists. Only per-test recordings are
 * candidates: tool invocations and model lists are hashed without a test id, so any
 * test may be replaying one another test recorded. Every file is read and every suite
 * listed before anything is removed: a file that cannot be read, or a suite Playwright
 * cannot list, stops the command with nothing deleted.
 */
import { lstatSync, readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { isToolRecording, readRecordingFile } from "../storage/recording-file.ts";
import { COMMON_SUITE, type RecordingStore } from "../storage/recording-store.ts";
import { DEFAULT_CONFIG, ListingError, listExistingTests } from "./existing-tests.ts";

type Print = (line: string) => void;

export interface PruneOptions {
  apply: boolean;
  /** The existing test ids (`--known FILE`), instead of Playwright's listing. */
  known?: ReadonlySet<string>;
  /** The Playwright config whose listing says which tests exist. */
  config?: string;
}

interface Candidate {
  file: string;
  testId: string;
  suite: string;
}

/**
 * `id` without its last bracketed group: the parameters a harness appends
 * (`[stack=…-txt=…]`, pytest's `[client-txt=…-case]`), or a bracket the title ends with.
 */
export function withoutLastGroup(id: string): string {
  if (!id.endsWith("]")) return id;
  let depth = 0;
  for (let index = id.length - 1; index >= 0; index--) {
    if (id[index] === "]") depth++;
    else if (id[index] === "[" && --depth === 0) return id.slice(0, index);
  }
  return id;
}

/**
 * A test exists when its id, with or without its last bracketed group, is an existing
 * id with or without its own. The comparison errs towards keeping: a title that ends in
 * brackets (`case [lang=en]`) is never cut to something else.
 */
export function existenceCheck(existing: Iterable<string>): (testId: string) => boolean {
  const known = new Set<string>();
  for (const id of existing) {
    known.add(id);
    known.add(withoutLastGroup(id));
  }
  return (testId) => known.has(testId) || known.has(withoutLastGroup(testId));
}

export function pruneCommand(store: RecordingStore, options: PruneOptions, print: Print): number {
  const candidates: Candidate[] = [];
  const unreadable: string[] = [];
  for (const suite of suiteFolders(store.root)) {
    for (const file of store.listFiles(join(store.root, suite))) {
      let recording: ReturnType<typeof readRecordingFile>;
      try {
        recording = readRecordingFile(file);
      } catch (error) {
        unreadable.push(`BAD ${file}: ${(error as Error).message.split("\n")[0]}`);
        continue;
      }
      // Tool invocations are hashed without a test id: any test may be replaying one.
      if (!recording?.test_id || isToolRecording(recording)) continue;
      if (basename(file).startsWith("models-")) continue;
      candidates.push({ file, testId: recording.test_id, suite });
    }
  }
  if (unreadable.length) {
    for (const line of unreadable) print(line);
    print(
      `Nothing removed: ${unreadable.length} recordings cannot be read. Fix or delete them, then prune again.`,
    );
    return 1;
  }

  const exists = new Map<string, (testId: string) => boolean>();
  try {
    for (const suite of new Set(candidates.map((candidate) => candidate.suite))) {
      const known = options.known ?? listExistingTests(suite, options.config ?? DEFAULT_CONFIG);
      exists.set(suite, existenceCheck(known));
    }
  } catch (error) {
    if (!(error instanceof ListingError)) throw error;
    print(`${error.message}\nNothing removed: prune decides only from a complete listing.`);
    return 1;
  }

  const stale = candidates.filter((candidate) => !exists.get(candidate.suite)?.(candidate.testId));
  for (const { file, testId } of stale) {
    if (options.apply) rmSync(file);
    print(`${options.apply ? "removed" : "would remove"} ${file}  (${testId})`);
  }
  print(
    options.apply
      ? `${stale.length} recordings removed`
      : `${stale.length} recordings belong to tests that no longer exist; run with --apply to remove them`,
  );
  return 0;
}

/** The suite folders under the root (links to folders are never followed); `common/` holds calls outside any test. */
function suiteFolders(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names
    .filter(
      (name) =>
        name !== COMMON_SUITE && lstatSync(join(root, name), { throwIfNoEntry: false })?.isDirectory(),
    )
    .sort();
}

/**
 * What the CLI's commands work on: files and folders (recursively), thousands at a time,
 * read a bounded number at once and handed over in order, each either a recording or
 * what is wrong with it (and what to do), so one bad file never stops a run.
 */
import { readFile, realpath, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import pLimit from "p-limit";
import { EscapingLinkError, isInside } from "../storage/contained-path.ts";
import { parseRecording, RecordingFileError } from "../storage/recording-file.ts";
import { type ListedFile, listEntries } from "../storage/recording-store.ts";
import type { Recording } from "../storage/recording-types.ts";

export interface Target extends ListedFile {
  /** The real path of the folder the target came from: links are followed only inside it. */
  realRoot: string;
}

export interface Expanded {
  targets: Target[];
  /** Arguments that name nothing. */
  missing: string[];
}

/** Each argument's recording files (a folder's, recursively, links and leftovers listed), in order, once each. */
export async function expandTargets(
  paths: readonly string[],
  { includeLeftovers = false } = {},
): Promise<Expanded> {
  const seen = new Set<string>();
  const targets: Target[] = [];
  const missing: string[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) {
      missing.push(path);
      continue;
    }
    const realRoot = await realpath(info.isDirectory() ? absolute : dirname(absolute));
    for (const entry of listEntries(absolute, { includeLeftovers })) {
      if (seen.has(entry.path)) continue;
      seen.add(entry.path);
      targets.push({ ...entry, realRoot });
    }
  }
  return { targets, missing };
}

export type Loaded = { target: Target; recording: Recording } | { target: Target; problem: string };

/** The advice a bad file's line ends with. */
export const FIX_ADVICE =
  "Fix or delete the file, then re-record it (STACK_TEST_INFERENCE_MODE=record-if-missing).";

/** One line: what is wrong with the file, without the file's name (the caller prints it first). */
export function problemOf(error: unknown, file: string): string {
  if (error instanceof RecordingFileError) {
    return error.message.replace(`Recording file ${file} `, "").replaceAll("\n", " ");
  }
  return `cannot be read (${(error as Error).message}). ${FIX_ADVICE}`;
}

/** Reads and validates one target; links only to targets inside its root. */
export async function loadTarget(target: Target, preserveFloats = true): Promise<Loaded> {
  const { path } = target;
  try {
    if (target.kind === "link") {
      if (target.target === undefined || !isInside(target.realRoot, target.target)) {
        throw new RecordingFileError(
          path,
          new EscapingLinkError(path, target.target ?? "a file that does not exist", target.realRoot).message,
          "",
        );
      }
    }
    const text = await readFile(target.kind === "link" ? (target.target as string) : path, "utf8");
    return { target, recording: parseRecording(text, path, { preserveFloats }) };
  } catch (error) {
    return { target, problem: problemOf(error, path) };
  }
}

/**
 * `work` over `items`, at most `concurrency` at once, results handed over in the items'
 * order; no more than twice `concurrency` results wait, so memory stays bounded whatever
 * the number of items.
 */
export async function* inOrder<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const limit = pLimit(concurrency);
  const window: Array<Promise<R>> = [];
  let next = 0;
  const fill = () => {
    while (next < items.length && window.length < concurrency * 2) {
      const item = items[next++] as T;
      window.push(limit(() => work(item)));
    }
  };
  fill();
  while (window.length > 0) {
    const result = await (window.shift() as Promise<R>);
    fill();
    yield result;
  }
}

/** Files are read this many at a time: enough to keep the disk busy, few enough for any ulimit. */
export const READ_CONCURRENCY = 32;

/** Every target loaded, in order. */
export function loadAll(targets: readonly Target[], preserveFloats = true): AsyncGenerator<Loaded> {
  return inOrder(targets, READ_CONCURRENCY, (target) => loadTarget(target, preserveFloats));
}

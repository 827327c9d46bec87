/**
 * `prune --stale`: recordings of tests that still exist but no longer use them. A run of
 * the suite leaves a manifest (JSON lines, one per test: its id, whether it passed, the
 * recording files it replayed or recorded); a file whose test ran and passed everywhere
 * in that run without touching it is stale, typically left behind when a test changed
 * and was recorded anew. Tool and model-list recordings are shared across tests: kept.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { isOurRecording } from "../provenance.ts";
import { isToolRecording, readRecordingFile } from "../storage/recording-file.ts";
import type { RecordingStore } from "../storage/recording-store.ts";

/** Where a run's manifest is, when not given: the harness writes it beside its JSON report. */
export const RUN_MANIFEST_ENV = "STACK_TEST_RUN_MANIFEST";
export const DEFAULT_RUN_MANIFEST = "test-results/run-manifest";

/** One test of a run, as its manifest records it. */
export interface RunManifestEntry {
  testId: string;
  /**
   * The test ran against a stack that records on its own (a running server, a stack with
   * its own recorder): which files it used is unknown, so it makes no file stale.
   */
  unseen?: boolean;
  passed: boolean;
  /** The recording files it replayed or recorded, absolute. */
  files: string[];
}

/** Every entry of a run's manifest (`*.jsonl` files in `dir`, one per worker). */
export function readRunManifest<Entry extends RunManifestEntry = RunManifestEntry>(dir: string): Entry[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".jsonl"))
    .sort()
    .flatMap((name) =>
      readFileSync(join(dir, name), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Entry),
    );
}

export interface StaleRecording {
  file: string;
  testId: string;
}

export function staleRecordings(store: RecordingStore, entries: RunManifestEntry[]): StaleRecording[] {
  const failed = new Set(
    entries.filter((entry) => !entry.passed || entry.unseen).map((entry) => entry.testId),
  );
  const ran = new Set(entries.map((entry) => entry.testId).filter((testId) => !failed.has(testId)));
  const used = new Set(entries.flatMap((entry) => entry.files.map((file) => resolve(file))));
  const folders = new Set([...ran].map((testId) => store.folderFor(testId)));
  const stale: StaleRecording[] = [];
  for (const folder of folders) {
    for (const file of store.listFiles(folder)) {
      if (used.has(file) || basename(file).startsWith("models-")) continue;
      let recording: ReturnType<typeof readRecordingFile>;
      try {
        recording = readRecordingFile(file);
      } catch {
        continue; // `recordings verify` speaks for unreadable files.
      }
      if (!recording || isToolRecording(recording) || recording.test_id == null) continue;
      // Another recorder's files (Llama Stack's) are evidence, kept as they came, used or not.
      if (!isOurRecording(recording)) continue;
      if (ran.has(recording.test_id)) stale.push({ file, testId: recording.test_id });
    }
  }
  return stale;
}

type Print = (line: string) => void;

export function staleCommand(
  store: RecordingStore,
  manifestDir: string,
  apply: boolean,
  print: Print,
): number {
  const entries = readRunManifest(manifestDir);
  if (entries.length === 0) {
    print(
      `No run manifest in ${manifestDir}: run the suite first (scripts/integration-tests.sh writes one), ` +
        `or name it with --manifest DIR.`,
    );
    return 1;
  }
  const stale = staleRecordings(store, entries);
  for (const { file, testId } of stale) {
    if (apply) rmSync(file);
    const inside = relative(process.cwd(), file);
    print(`${apply ? "removed" : "would remove"} ${inside.startsWith("..") ? file : inside}  (${testId})`);
  }
  const tests = new Set(entries.map((entry) => entry.testId)).size;
  print(
    apply
      ? `${stale.length} stale recordings removed`
      : `${stale.length} recordings of the ${tests} tests in ${manifestDir} went unused by them` +
          (stale.length ? "; run with --apply to remove them" : ""),
  );
  return 0;
}

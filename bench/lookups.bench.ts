/**
 * What finding recordings costs as a folder grows to 10, 10,000 and 100,000 files:
 * replay's lookup of a random file (each lookup a new store, so nothing is cached; and
 * the same file again, from memory), and the miss path, which looks for the test's
 * nearest recording: as it was (a scan of the folder, the recorder from git in this
 * process), a process's first miss (which builds the index), the first miss of a later
 * process (which reads the index the first one kept) and later misses.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createRecorder, type FetchLike, RecordingStore } from "../recorder/index.ts";
import { recorderAt } from "./git-recorder.ts";
import { type BenchResult, settle } from "./recorder.bench.ts";
import { formatMs, median, race, table } from "./stats.ts";

/** main before the miss index: its miss path scans the folder. */
const BEFORE_INDEX = "4d11acad16648f37d06ab870824d758367eeda92";
const SIZES = [10, 10_000, 100_000];
/** Each test has this many recordings, as a test with a few calls re-recorded a few times would. */
const FILES_PER_TEST = 20;
const URL = "https://api.openai.com/v1/chat/completions";

const testIdOf = (test: number) =>
  `tests/integration/responses/bench.spec.ts::test ${test}[stack=local-txt=gpt-4o]`;
const nameOf = (index: number) => createHash("sha256").update(String(index)).digest("hex");

/**
 * Writes `files` small chat recordings into `folder`, FILES_PER_TEST per test (tests of
 * `bench.spec.ts`), named by a hash of their index; returns the names.
 */
export function writeRecordings(folder: string, files: number): string[] {
  mkdirSync(folder, { recursive: true });
  const names: string[] = [];
  for (let index = 0; index < files; index++) {
    const testId = testIdOf(Math.floor(index / FILES_PER_TEST));
    const body = { model: "gpt-4o", messages: [{ role: "user", content: `Question ${index}?` }] };
    const recording = {
      test_id: testId,
      request: {
        method: "POST",
        url: URL,
        headers: {},
        body,
        endpoint: "/v1/chat/completions",
        model: "gpt-4o",
      },
      response: {
        body: {
          __type__: "openai.types.chat.chat_completion.ChatCompletion",
          __data__: {
            id: `rec-${index}`,
            object: "chat.completion",
            created: 0,
            model: "gpt-4o",
            choices: [
              {
                index: 0,
                message: { role: "assistant", content: `Answer ${index}.` },
                finish_reason: "stop",
              },
            ],
          },
        },
        is_streaming: false,
      },
      id_normalization_mapping: {},
    };
    const name = nameOf(index);
    writeFileSync(join(folder, `${name}.json`), `${JSON.stringify(recording, null, 2)}\n`);
    names.push(name);
  }
  return names;
}

/** A settled recordings folder of `files` recordings in `responses/`. */
function folderOf(files: number): { root: string; names: string[] } {
  const root = mkdtempSync(join(tmpdir(), "bench-lookups-"));
  const names = writeRecordings(join(root, "responses"), files);
  settle(root);
  return { root, names };
}

type MissingFetch = (testId: string) => Promise<unknown>;

/** A miss of the last test in the folder, whose nearest recording must be found. */
function misser(
  createFetch: () => { fetch: FetchLike; withTestId: <T>(id: string, fn: () => T) => T },
): MissingFetch {
  const { fetch, withTestId } = createFetch();
  const body = JSON.stringify({
    model: "gpt-4o",
    messages: [{ role: "user", content: "A question asked differently?" }],
  });
  return async (testId) => {
    const error = await withTestId(testId, () => fetch(URL, { method: "POST", body })).catch(
      (caught: unknown) => caught,
    );
    const nearest = (error as { nearest?: { file?: string } }).nearest;
    if (!nearest?.file) throw new Error(`expected a miss naming the nearest recording, got ${String(error)}`);
    return nearest;
  };
}

async function timed(times: number, run: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

export async function benchLookups(): Promise<BenchResult> {
  const folders = SIZES.map((size) => ({ size, ...folderOf(size) }));
  const label = (size: number) => `${size.toLocaleString("en")} files`;
  try {
    // Replay's lookup of a random file, from a store that has read nothing yet.
    const pick = (names: string[]) => names[Math.floor(Math.random() * names.length)] as string;
    const cold = await race(
      folders.map(({ size, root, names }) => ({
        name: label(size),
        run: async () => {
          const name = pick(names);
          const store = new RecordingStore(root);
          if (!store.find(name, testIdOf(0))) throw new Error(`lookup of ${name} found nothing`);
        },
      })),
      { rounds: 5, perRound: 200, warmup: 50 },
    );
    const warmStores = folders.map(({ root }) => new RecordingStore(root));
    const warm = await race(
      folders.map(({ size, names }, index) => ({
        name: label(size),
        run: async () => {
          if (!warmStores[index]?.find(names[0] as string, testIdOf(0)))
            throw new Error("lookup found nothing");
        },
      })),
      { rounds: 5, perRound: 500, warmup: 50 },
    );

    const before = await recorderAt(BEFORE_INDEX);
    const missRows: string[][] = [];
    const firstMisses: number[] = [];
    const laterProcessMisses: number[] = [];
    for (const { size, root } of folders) {
      const lastTest = testIdOf(Math.floor((size - 1) / FILES_PER_TEST));
      const newRecorder = (cacheDir: string) => () =>
        createRecorder({
          mode: "replay",
          env: {},
          store: new RecordingStore(root, { indexCacheDir: cacheDir }),
        });
      const scan =
        typeof before === "string"
          ? Number.NaN
          : await timed(size >= 100_000 ? 2 : 5, () =>
              misser(() => before.createRecorder({ mode: "replay", recordingDir: root, env: {} }))(lastTest),
            );
      const cacheDirs: string[] = [];
      const first = await timed(3, () => {
        const cacheDir = mkdtempSync(join(tmpdir(), "bench-index-"));
        cacheDirs.push(cacheDir);
        return misser(newRecorder(cacheDir))(lastTest);
      });
      const kept = cacheDirs[0] as string;
      const laterProcess = await timed(20, () => misser(newRecorder(kept))(lastTest));
      const sameProcess = misser(newRecorder(kept));
      await sameProcess(lastTest);
      const later = await timed(100, () => sameProcess(lastTest));
      for (const dir of cacheDirs) rmSync(dir, { recursive: true, force: true });
      firstMisses.push(first);
      laterProcessMisses.push(laterProcess);
      missRows.push([label(size), formatMs(scan), formatMs(first), formatMs(laterProcess), formatMs(later)]);
    }

    const coldMedians = folders.map(({ size }) => median(cold.get(label(size)) ?? []));
    const warmMedians = folders.map(({ size }) => median(warm.get(label(size)) ?? []));
    const lookupRatio = (coldMedians[2] ?? Number.NaN) / (coldMedians[0] ?? Number.NaN);
    const laterAt100k = laterProcessMisses[2] ?? Number.NaN;
    return {
      title:
        "Lookups as the folder grows: replay's, of a random file, and a miss's search for the nearest recording",
      lines: [
        table(
          ["folder", "random file, first read", "same file again (kept parsed)"],
          folders.map(({ size }, index) => [
            label(size),
            formatMs(coldMedians[index] ?? Number.NaN),
            formatMs(warmMedians[index] ?? Number.NaN),
          ]),
        ),
        "",
        table(
          [
            "folder",
            `miss before the index (${BEFORE_INDEX.slice(0, 7)})`,
            "first miss (builds the index)",
            "first miss, later process",
            "later misses",
          ],
          missRows,
        ),
        typeof before === "string" ? `no baseline from git: ${before}` : "",
        `Each test has ${FILES_PER_TEST} recordings; the miss finds the nearest of them and diffs it. A later process reads`,
        "the index the first one kept (folders of 1,000 files or more): a failed test's new Playwright worker is one.",
      ],
      checks: [
        {
          target: `a random file's lookup costs no more at 100,000 files than at 10 (${lookupRatio.toFixed(2)}×)`,
          ok: lookupRatio <= 1.25,
        },
        {
          target: `a later process's first miss at 100,000 files takes ≤ 20 ms (${formatMs(laterAt100k)})`,
          ok: laterAt100k <= 20,
        },
        {
          target: `a process's first miss at 100,000 files, building the index, takes ≤ 5 s (${formatMs(firstMisses[2] ?? Number.NaN)})`,
          ok: (firstMisses[2] ?? Number.POSITIVE_INFINITY) <= 5_000,
        },
      ],
    };
  } finally {
    for (const { root } of folders) rmSync(root, { recursive: true, force: true });
  }
}

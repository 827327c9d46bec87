/**
 * The index a replay miss reads to find the test's nearest recording: built once, kept
 * between processes for large folders, never trusted once the folder has changed.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { createRecorder, RecordingStore, ReplayMissError } from "../../../recorder/index.ts";
import { FolderIndex } from "../../../recorder/storage/folder-index.ts";
import { listRecordingFiles } from "../../../recorder/storage/recording-store.ts";
import { callKeys } from "../../../recorder/storage/recording-types.ts";
import { SEED_HASH, SEED_TEXT, seed } from "./support/fixtures.ts";
import { chatCompletion } from "./support/upstream-data.ts";

const CHAT = "https://api.openai.com/v1/v1/chat/completions";
const ENDPOINT = callKeys.endpoint("/v1/chat/completions");
const TEST_ID = seed().test_id;

/** A suite folder of the seed and `others` recordings of other tests, last changed a minute ago. */
function folderOfTests(others: number): { root: string; folder: string } {
  const root = mkdtempSync(join(tmpdir(), "miss-index-"));
  const folder = join(root, "responses");
  mkdirSync(folder);
  writeFileSync(join(folder, `${SEED_HASH}.json`), SEED_TEXT);
  for (let i = 0; i < others; i++) {
    const other = SEED_TEXT.replace(TEST_ID, `tests/integration/responses/other.spec.ts::test ${i}`);
    writeFileSync(join(folder, `${i.toString(16).padStart(64, "0")}.json`), other);
  }
  settle(folder);
  return { root, folder };
}

/** As if the folder had last changed a minute ago: an index of it may be trusted later. */
function settle(folder: string): void {
  const past = new Date(Date.now() - 60_000);
  utimesSync(folder, past, past);
}

function countingIndex(folder: string, cacheDir: string, reads: string[]): FolderIndex {
  return new FolderIndex(folder, {
    read: (file) => {
      reads.push(file);
      return readFileSync(file, "utf8");
    },
    entryOf: (text) => {
      const recording = JSON.parse(text);
      return { testId: recording.test_id ?? null, callKey: callKeys.endpoint(recording.request.endpoint) };
    },
    list: (root, onFolder) => listRecordingFiles(root, { onFolder }),
    cacheDir,
    persistFrom: 10,
  });
}

function shardFiles(cacheDir: string): string[] {
  return readdirSync(cacheDir, { recursive: true, encoding: "utf8" }).filter((name) =>
    name.endsWith(".json"),
  );
}

/** What a replay of this body misses with, under the seed's test. */
async function missOf(store: RecordingStore, body: Record<string, unknown>): Promise<ReplayMissError> {
  const recorder = createRecorder({ mode: "replay", env: {}, store });
  const error = await recorder
    .withTestId(TEST_ID, () => recorder.fetch(CHAT, { method: "POST", body: JSON.stringify(body) }))
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ReplayMissError);
  return error as ReplayMissError;
}

const PARIS = { model: "gpt-4o", messages: [{ role: "user", content: "Is it sunny in Paris?" }] };

test("a second process reads the index the first one kept, and no recording but the test's own", () => {
  const { folder } = folderOfTests(30);
  const cacheDir = mkdtempSync(join(tmpdir(), "miss-index-cache-"));
  const firstReads: string[] = [];
  const first = countingIndex(folder, cacheDir, firstReads).files(TEST_ID, [ENDPOINT]);
  expect(first).toEqual([join(folder, `${SEED_HASH}.json`)]);
  expect(firstReads).toHaveLength(31);

  const secondReads: string[] = [];
  const second = countingIndex(folder, cacheDir, secondReads);
  expect(second.files(TEST_ID, [ENDPOINT])).toEqual(first);
  expect(second.files("tests/integration/responses/other.spec.ts::test 7", [ENDPOINT])).toEqual([
    join(folder, `${(7).toString(16).padStart(64, "0")}.json`),
  ]);
  expect(second.files(TEST_ID, [callKeys.endpoint("/v1/embeddings")])).toEqual([]);
  expect(secondReads).toEqual([]);
});

test("a small folder, or one that changed moments ago, is indexed in memory only", () => {
  const cacheDir = mkdtempSync(join(tmpdir(), "miss-index-cache-"));
  const small = folderOfTests(3);
  countingIndex(small.folder, cacheDir, []).files(TEST_ID, [ENDPOINT]);
  const fresh = folderOfTests(30);
  writeFileSync(join(fresh.folder, "new.json"), SEED_TEXT);
  countingIndex(fresh.folder, cacheDir, []).files(TEST_ID, [ENDPOINT]);
  expect(shardFiles(cacheDir)).toEqual([]);
});

test("a kept index that names a file outside its folder is not read", () => {
  const { folder } = folderOfTests(30);
  const cacheDir = mkdtempSync(join(tmpdir(), "miss-index-cache-"));
  countingIndex(folder, cacheDir, []).files(TEST_ID, [ENDPOINT]);
  for (const name of shardFiles(cacheDir)) {
    const file = join(cacheDir, name);
    const shard = JSON.parse(readFileSync(file, "utf8"));
    for (const calls of Object.values(shard.tests) as Array<Record<string, string[]>>)
      for (const files of Object.values(calls)) files.push("../../../../etc/passwd");
    writeFileSync(file, JSON.stringify(shard));
  }
  const reads: string[] = [];
  const files = countingIndex(folder, cacheDir, reads).files(TEST_ID, [ENDPOINT]);
  expect(files).toEqual([join(folder, `${SEED_HASH}.json`)]);
  expect(reads).toHaveLength(31);
});

test("the nearest recording stays right when record-if-missing writes a nearer one, in this process and the next", async () => {
  const { root, folder } = folderOfTests(30);
  const cacheDir = mkdtempSync(join(tmpdir(), "miss-index-cache-"));
  const storeOptions = { indexCacheDir: cacheDir, indexPersistFrom: 10 };
  const replayStore = new RecordingStore(root, storeOptions);
  const asked = { ...PARIS, temperature: 0.5 };
  const before = await missOf(replayStore, asked);
  expect(before.nearest?.file).toBe(join(folder, `${SEED_HASH}.json`));
  expect(shardFiles(cacheDir).length).toBeGreaterThan(0);

  const recorder = createRecorder({
    mode: "record-if-missing",
    env: {},
    store: new RecordingStore(root, storeOptions),
    upstream: async () => Response.json(chatCompletion("Sunny.")),
  });
  await recorder.withTestId(TEST_ID, () =>
    recorder.fetch(CHAT, { method: "POST", body: JSON.stringify(PARIS) }),
  );
  const written = readdirSync(folder).filter(
    (name) => !readFileSync(join(folder, name), "utf8").includes("other.spec"),
  );
  const nearer = written.find((name) => name !== `${SEED_HASH}.json`);
  expect(nearer).toBeDefined();

  for (const store of [replayStore, new RecordingStore(root, storeOptions)]) {
    const after = await missOf(store, asked);
    expect(after.nearest).toEqual({
      file: join(folder, nearer as string),
      diff: ["- body.temperature: (absent)", "+ body.temperature: 0.5"],
    });
    expect(after.message).toContain(
      `nearest recording of this test and endpoint: ${join(folder, nearer as string)}`,
    );
  }
});

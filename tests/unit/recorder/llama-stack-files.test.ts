/**
 * Six of Llama Stack 0.2's real recordings, unchanged (tests/unit/fixtures/llama-stack-0.2/):
 * a stream, a tool invocation, embeddings, a misnamed file with a correctly named twin and
 * one without. Older Llama Stack named some files by another rule; they are committed as
 * they are, so verify lists them as unreachable, a warning, while our own misnamed files
 * stay errors.
 */
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { isOurRecording, readRecordingFile, recordingOrigin, summarize } from "../../../recorder/index.ts";
import type { Recording } from "../../../recorder/storage/recording-file.ts";
import { temporaryRecordingDir } from "./support/fixtures.ts";

const CLI = new URL("../../../recorder/cli/main.ts", import.meta.url).pathname;
const FIXTURES = new URL("../fixtures/llama-stack-0.2/", import.meta.url).pathname;
const COMMITTED = new URL("../../../recordings/", import.meta.url).pathname;
const MISNAMED_WITH_TWIN = "2443581bf4a71f7b26e3aef9715a65a1cb5ab62249e691e77dcfec2e00be302b";
const ITS_TWIN = "d09c335cf1f32e3bfee309a88781f76d52812562c7d254f6689eb5f1c61c75db";
const MISNAMED_ALONE = "1b0c005eb4b93c22ec7211904cab5145194ec832d8e436fee11599c1c2d80fd8";
const ITS_HASH = "c3c97b5bee2985f32eb74c76a41a1bcd810684d05d04ec4d70a06b3d578e1985";
// Both are file_search calls: OGX 0.8 blanks their scores and attributes, so its hashes differ.
const ITS_HASH_OGX = "f2baac1718479f978a7a1f631abd360b2f72b03f14927c95e29d96669c5d8381";
const ITS_TWIN_OGX = "013a5e6a9b1ca1277541e9bcd6589b716a867c51d45c5aa704117f10c6df0f95";

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8" });
  return { code: result.status, lines: result.stdout.trim().split("\n"), err: result.stderr };
}

function copyOfFixtures(): string {
  const root = temporaryRecordingDir();
  cpSync(FIXTURES, join(root, "responses"), { recursive: true });
  return root;
}

const load = (file: string): Recording => readRecordingFile(file) as Recording;

/** The committed recordings our recorder made (Llama Stack's real ones sit beside them). */
const ours = (): string[] =>
  readdirSync(join(COMMITTED, "responses")).filter((name) =>
    isOurRecording(load(join(COMMITTED, "responses", name))),
  );

/**
 * One of our chat completions (its answer has an id to normalize) that hashes alike under
 * both schemes: a file_search result's text (scores, attributes) is normalized by ogx-0.8
 * only, and verify then names both hashes.
 */
const oneOfOurs = (): string =>
  ours().find((name) => {
    const text = readFileSync(join(COMMITTED, "responses", name), "utf8");
    return text.includes('"endpoint": "/v1/chat/completions"') && !text.includes("score: ");
  }) ?? "";

/** A folder holding the fixtures and our committed recordings, nothing else. */
function withOurs(): string {
  const root = copyOfFixtures();
  for (const name of ours()) cpSync(join(COMMITTED, "responses", name), join(root, "responses", name));
  return root;
}

test("a recording tells who made it: Llama Stack, our recorder against a real provider, or the scripted provider", () => {
  for (const name of readdirSync(FIXTURES)) {
    expect(recordingOrigin(load(join(FIXTURES, name)))).toBe("llama-stack");
  }
  const committed = ours();
  expect(committed.length).toBeGreaterThan(0);
  for (const name of committed) {
    const recording = load(join(COMMITTED, "responses", name));
    // Every scripted recording committed says so: the scripted provider is the only upstream this project records.
    expect(recording.recorded_by).toEqual({ recorder: "responses-harness", upstream: "scripted" });
    expect(recordingOrigin(recording)).toBe("scripted");
  }
  // A scripted file from before the mark existed is still never taken for a real model's.
  const unmarked = load(join(COMMITTED, "responses", committed[0] ?? ""));
  delete unmarked.recorded_by;
  expect(recordingOrigin(unmarked)).toBe("scripted");
  const real = {
    ...load(join(FIXTURES, `${ITS_TWIN}.json`)),
    recorded_by: { recorder: "responses-harness", upstream: "real" as const },
  };
  expect(recordingOrigin(real)).toBe("real-provider");
  expect(isOurRecording(real)).toBe(true);
});

test("verify lists Llama Stack's misnamed files as unreachable warnings and passes", () => {
  const root = copyOfFixtures();
  const { code, lines } = cli("verify", root);
  expect(code).toBe(0);
  const folder = join(root, "responses");
  expect(lines).toEqual([
    `WARN ${folder}/${MISNAMED_ALONE}.json: unreachable: made by Llama Stack's recorder, which named it ${MISNAMED_ALONE.slice(0, 12)}… by an older rule, but its request hashes to ${ITS_HASH_OGX} (ogx-0.8), ${ITS_HASH} (llama-stack-0.2), so replay never finds it (kept unchanged, as Llama Stack wrote it)`,
    `WARN ${folder}/${MISNAMED_WITH_TWIN}.json: unreachable: made by Llama Stack's recorder, which named it ${MISNAMED_WITH_TWIN.slice(0, 12)}… by an older rule, but its request hashes to ${ITS_TWIN_OGX} (ogx-0.8), ${ITS_TWIN} (llama-stack-0.2), so replay never finds it (kept unchanged, as Llama Stack wrote it); its twin ${ITS_TWIN}.json answers that request`,
    `6 of 6 recordings verified in ${root}, 2 with warnings`,
    // Which scheme named each file: its twin, a file_search call, only Llama Stack 0.2's.
    "named by: 3 both schemes (the same hash), 1 llama-stack-0.2",
  ]);
  // Nothing was touched.
  for (const name of readdirSync(FIXTURES)) {
    expect(readFileSync(join(folder, name), "utf8")).toBe(readFileSync(join(FIXTURES, name), "utf8"));
  }
});

test("a name that is no hash at all: a warning on Llama Stack's file, an error on ours", () => {
  const root = withOurs();
  const theirs = join(root, "responses", "1d82e9439ae3.json");
  renameSync(join(root, "responses", `${ITS_TWIN}.json`), theirs);
  const name = oneOfOurs();
  const mine = join(root, "responses", "my-recording.json");
  renameSync(join(root, "responses", name), mine);
  const { code, lines } = cli("verify", root);
  expect(code).toBe(1);
  expect(lines).toContainEqual(
    expect.stringMatching(
      new RegExp(`^WARN ${theirs}: unreachable: made by Llama Stack's recorder, .* so replay never finds it`),
    ),
  );
  expect(lines).toContain(
    `BAD ${mine}: its request hashes to ${name.replace(".json", "")}, and its name is not <hash>.json or models-<hash>-<digest>.json`,
  );
});

test("a misnamed file of our own recorder stays an error", () => {
  const root = withOurs();
  const name = oneOfOurs();
  const misnamed = join(root, "responses", `${"0".repeat(64)}.json`);
  renameSync(join(root, "responses", name), misnamed);
  const { code, lines } = cli("verify", root);
  expect(code).toBe(1);
  expect(lines).toContain(
    `BAD ${misnamed}: its request hashes to ${name.replace(".json", "")}, not to the hash in its name`,
  );
  const total = 6 + ours().length;
  expect(lines.at(-2)).toBe(`${total - 1} of ${total} recordings verified in ${root}, 2 with warnings`);
});

test("hash and replay answer Llama Stack's files, misnamed ones included, from the request each holds", () => {
  const files = readdirSync(FIXTURES).map((name) => join(FIXTURES, name));
  const hashes = cli("hash", "--hash-scheme", "llama-stack-0.2", ...files);
  expect(hashes.code).toBe(0);
  expect(hashes.lines).toContain(`${ITS_HASH} ${join(FIXTURES, `${MISNAMED_ALONE}.json`)}`);
  expect(hashes.lines).toContain(`${ITS_TWIN} ${join(FIXTURES, `${ITS_TWIN}.json`)}`);
  // By default, the scheme new recordings are named by: OGX 0.8's.
  expect(cli("hash", FIXTURES).lines).toContain(`${ITS_TWIN_OGX} ${join(FIXTURES, `${ITS_TWIN}.json`)}`);
  const replayed = cli("replay", ...files);
  expect(replayed.code).toBe(0);
  const results = replayed.lines.map((line) => JSON.parse(line));
  expect(results.filter((result) => result.error)).toEqual([]);
  expect(results).toContainEqual(expect.objectContaining({ count: 1, dims: 1536 }));
});

test("normalize leaves Llama Stack's files byte for byte, and derives ids from the request, not the name", () => {
  const root = withOurs();
  expect(cli("normalize", "--dir", root).lines).toEqual([
    "0 recordings rewritten; 6 made by Llama Stack left as they are",
  ]);
  const name = oneOfOurs();
  const hash = name.replace(".json", "");
  const misnamed = join(root, "responses", `${"ab".repeat(32)}.json`);
  renameSync(join(root, "responses", name), misnamed);
  const { lines } = cli("normalize", "--dir", root);
  expect(lines).toEqual([
    `misnamed ${misnamed}: its request hashes to ${hash}; replay never finds it under this name`,
    "0 recordings rewritten; 6 made by Llama Stack left as they are",
  ]);
  const text = readFileSync(misnamed, "utf8");
  expect(text).toContain(`"id": "rec-${hash.slice(0, 12)}"`);
  expect(text).not.toContain("rec-abababababab");
  for (const name of readdirSync(FIXTURES)) {
    expect(readFileSync(join(root, "responses", name), "utf8")).toBe(
      readFileSync(join(FIXTURES, name), "utf8"),
    );
  }
});

test("the journal the report is built from says who made each answer", () => {
  const recording = load(join(FIXTURES, `${ITS_TWIN}.json`));
  const made = (origin: Recording["recorded_by"]) =>
    summarize({
      testId: recording.test_id ?? null,
      source: "replayed",
      hash: ITS_TWIN,
      file: join(FIXTURES, `${ITS_TWIN}.json`),
      recording: { ...recording, ...(origin ? { recorded_by: origin } : {}) },
    }).origin;
  expect(made(undefined)).toBe("recorded by Llama Stack's Python recorder");
  expect(made({ recorder: "responses-harness", upstream: "real" })).toBe(
    "recorded by this recorder against a real provider",
  );
  expect(made({ recorder: "responses-harness", upstream: "scripted" })).toBe(
    "recorded from the scripted provider (not a real model)",
  );
});

/** Every path the recorder reads or writes stays inside its recordings folder: test ids and links. */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { createRecorder, TestIdHeaderError, testIdFromHeaders } from "../../../recorder/index.ts";
import { allFiles } from "./support/files.ts";
import { SEED_HASH, SEED_TEXT, seed } from "./support/fixtures.ts";
import { chatCompletion } from "./support/upstream-data.ts";

const CLI = new URL("../../../recorder/cli/main.ts", import.meta.url).pathname;

/** A folder holding `recordings/` and nothing else, so that a write beside it shows. */
function container(): { outer: string; root: string } {
  const outer = mkdtempSync(join(tmpdir(), "recorder-containment-"));
  const root = join(outer, "recordings");
  mkdirSync(root);
  return { outer, root };
}

const HOSTILE_TEST_IDS = [
  "../basic.spec.ts::escape",
  "tests/integration/../basic.spec.ts::escape",
  "tests/integration/../../../../tmp/x.spec.ts::escape",
  "/etc/x.spec.ts::escape",
  "tests/integration/..\\..\\x.spec.ts::escape",
  "tests/integration/responses/../../../outside/x.spec.ts::escape",
];

test("no test id files a recording outside the recordings folder, and unknown suites go to common/", async () => {
  const { outer, root } = container();
  const upstream = async () => Response.json(chatCompletion("ok"));
  const recorder = createRecorder({
    mode: "record-if-missing",
    recordingDir: root,
    upstream,
    suites: ["responses"],
  });
  const client = new OpenAI({ apiKey: "k", baseURL: "http://upstream.test/v1", fetch: recorder.fetch });
  const ids = [...HOSTILE_TEST_IDS, "tests/integration/other/x.spec.ts::not in the catalog"];
  for (const testId of ids) {
    await recorder.withTestId(testId, () =>
      client.chat.completions.create({ model: "m", messages: [{ role: "user", content: testId }] }),
    );
  }
  await recorder.withTestId("tests/integration/responses/x.spec.ts::in the catalog", () =>
    client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] }),
  );
  const files = allFiles(outer);
  expect(files).toHaveLength(ids.length + 1);
  // Only `…/integration/responses/…` names the catalog's suite; every other id lands in common/.
  expect(files.filter((file) => file.startsWith("recordings/common/"))).toHaveLength(ids.length - 1);
  expect(files.filter((file) => file.startsWith("recordings/responses/"))).toHaveLength(2);
  // Replayed from where they were filed.
  const replay = createRecorder({ mode: "replay", recordingDir: root, suites: ["responses"] });
  const replayClient = new OpenAI({ apiKey: "k", baseURL: "http://upstream.test/v1", fetch: replay.fetch });
  const [first] = HOSTILE_TEST_IDS;
  const answer = await replay.withTestId(first, () =>
    replayClient.chat.completions.create({ model: "m", messages: [{ role: "user", content: first ?? "" }] }),
  );
  expect(answer.choices[0]?.message.content).toBe("ok");
});

test("a test id header whose spec path leaves the project is refused with a clear error", () => {
  for (const testId of HOSTILE_TEST_IDS.slice(0, 5)) {
    for (const headers of [
      { "x-test-id": testId },
      { "x-llamastack-provider-data": JSON.stringify({ __test_id: testId }) },
    ]) {
      expect(() => testIdFromHeaders(headers)).toThrow(TestIdHeaderError);
      expect(() => testIdFromHeaders(headers)).toThrow(/names its spec by a path outside the project/);
    }
  }
  expect(testIdFromHeaders({ "x-test-id": "tests/integration/responses/a..b.spec.ts::t" })).toBe(
    "tests/integration/responses/a..b.spec.ts::t",
  );
});

/** The seed, outside the recordings folder, and a recordings folder whose `<hash>.json` links to it. */
function linkedSeed(): { root: string; outside: string; link: string } {
  const { outer, root } = container();
  const outside = join(outer, "elsewhere.json");
  writeFileSync(outside, SEED_TEXT);
  mkdirSync(join(root, "responses"));
  const link = join(root, "responses", `${SEED_HASH}.json`);
  symlinkSync(outside, link);
  return { root, outside, link };
}

async function replaySeed(root: string): Promise<string> {
  const recorder = createRecorder({ mode: "replay", recordingDir: root, env: {} });
  const client = new OpenAI({
    apiKey: "k",
    baseURL: "https://api.openai.com/v1/v1",
    fetch: recorder.fetch,
    maxRetries: 0,
  });
  const { request, test_id } = seed();
  try {
    const stream = await recorder.withTestId(test_id, () =>
      client.chat.completions.create(request.body as unknown as OpenAI.ChatCompletionCreateParamsStreaming),
    );
    let chunks = 0;
    for await (const _ of stream) chunks++;
    return `${chunks} chunks`;
  } catch (error) {
    return String((error as Error).cause ?? error);
  }
}

test("replay does not follow a link out of the recordings folder, and says so", async () => {
  const { root, outside, link } = linkedSeed();
  const result = await replaySeed(root);
  expect(result).toContain(
    `Recording file ${link} is a symbolic link to ${outside}, outside the recordings folder`,
  );
  expect(result).toContain("Replace the link by the recording itself, or delete it.");
});

test("a link to a recording inside the folder is followed", async () => {
  const { outer, root } = container();
  mkdirSync(join(root, "responses"));
  mkdirSync(join(root, "kept"));
  writeFileSync(join(root, "kept", "seed.json"), SEED_TEXT);
  symlinkSync(join(root, "kept", "seed.json"), join(root, "responses", `${SEED_HASH}.json`));
  expect(await replaySeed(root)).toBe("18 chunks");
  expect(outer).toBeTruthy();
});

test("a suite folder that links out of the recordings folder is refused", async () => {
  const { outer, root } = container();
  const elsewhere = join(outer, "elsewhere");
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, `${SEED_HASH}.json`), SEED_TEXT);
  symlinkSync(elsewhere, join(root, "responses"));
  expect(await replaySeed(root)).toContain(`leads to ${elsewhere}, outside the recordings folder`);
});

test("verify reports links: out of the folder as bad, inside it as a warning", () => {
  const { root, outside, link } = linkedSeed();
  const passwd = join(root, "responses", `${"a".repeat(64)}.json`);
  symlinkSync("/etc/passwd", passwd);
  mkdirSync(join(root, "kept"));
  writeFileSync(join(root, "kept", `${SEED_HASH}.json`), SEED_TEXT);
  mkdirSync(join(root, "common"));
  const inside = join(root, "common", `${SEED_HASH}.json`);
  symlinkSync(join(root, "kept", `${SEED_HASH}.json`), inside);
  const result = spawnSync(process.execPath, ["--import", "tsx", CLI, "verify", root], { encoding: "utf8" });
  expect(result.status).toBe(1);
  const refusal = `outside the recordings folder ${root}: the recorder does not follow links out of it. Replace the link by the recording itself, or delete it.`;
  expect(result.stdout.trim().split("\n")).toEqual([
    `WARN ${inside}: a symbolic link to ${join(root, "kept", `${SEED_HASH}.json`)}, inside the folder (replay follows it)`,
    `BAD ${passwd}: is a symbolic link to /etc/passwd, ${refusal}`,
    `BAD ${link}: is a symbolic link to ${outside}, ${refusal}`,
    `2 of 4 recordings verified in ${root}, 1 with warnings`,
    "named by: 2 both schemes (the same hash)",
  ]);
  expect(readFileSync(outside, "utf8")).toBe(SEED_TEXT);
});

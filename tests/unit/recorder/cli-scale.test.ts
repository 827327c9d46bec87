/**
 * The CLI at scale: thousands of files, given one by one or as their folder; each bad
 * file reported on its own line (what is wrong, what to do) while the run goes on; exit 1
 * at the end. Its speed is measured in `npm run bench`, not here.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { inferenceRequestHash } from "../../../recorder/hashing/request-hash.ts";
import { serializeRecording } from "../../../recorder/storage/recording-file.ts";
import type { InferenceRecording } from "../../../recorder/storage/recording-types.ts";
import { temporaryRecordingDir } from "./support/fixtures.ts";

const PROJECT = new URL("../../../", import.meta.url).pathname;
const COUNT = 3000;

function recordingOf(index: number): { name: string; text: string } {
  const testId = `tests/integration/responses/scale.spec.ts::case ${index}[stack=local-txt=scripted/assistant]`;
  const url = "http://scripted.local/v1/chat/completions";
  const body = { model: "scripted/assistant", messages: [{ role: "user", content: `question ${index}` }] };
  const hash = inferenceRequestHash({ method: "POST", url, body, testId });
  const recording: InferenceRecording = {
    test_id: testId,
    request: {
      method: "POST",
      url,
      headers: {},
      body,
      endpoint: "/v1/chat/completions",
      model: "scripted/assistant",
    },
    response: {
      body: {
        __type__: "openai.types.chat.chat_completion.ChatCompletion",
        __data__: {
          id: `rec-${hash.slice(0, 12)}`,
          choices: [{ index: 0, message: { role: "assistant", content: `answer ${index}` } }],
        },
      },
      is_streaming: false,
    },
    recorded_by: { recorder: "responses-harness", upstream: "scripted" },
  };
  return { name: `${hash}.json`, text: serializeRecording(recording) };
}

/** COUNT good recordings and three bad ones, in `<root>/responses/`. */
function bigFolder(): { root: string; files: string[]; bad: string[] } {
  const root = temporaryRecordingDir();
  const folder = join(root, "responses");
  mkdirSync(folder);
  const files: string[] = [];
  for (let index = 0; index < COUNT; index++) {
    const { name, text } = recordingOf(index);
    writeFileSync(join(folder, name), text);
    files.push(join(folder, name));
  }
  const bad = [
    [`${"c".repeat(64)}.json`, "{ cut off in the mid"],
    [
      `${"d".repeat(64)}.json`,
      JSON.stringify({ test_id: "x", request: { method: "POST" }, response: { body: {} } }),
    ],
    [`${"e".repeat(64)}.json`, recordingOf(0).text.replace(/"choices": \[[\s\S]*?\]\n/, '"choices": []\n')],
  ].map(([name = "", text = ""]) => {
    writeFileSync(join(folder, name), text);
    return join(folder, name);
  });
  return { root, files: [...files, ...bad].sort(), bad };
}

function run(args: string[]) {
  const result = spawnSync(join(PROJECT, "scripts/recordings"), args, {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    code: result.status,
    out: result.stdout.trim().split("\n"),
    err: result.stderr.trim().split("\n"),
  };
}

test("hash takes thousands of files as arguments, reports each bad one with what to do, goes on, and exits 1", () => {
  const { files, bad } = bigFolder();
  const { code, out, err } = run(["hash", ...files]);
  expect(code).toBe(1);
  expect(out).toHaveLength(COUNT);
  expect(out.every((line) => /^[0-9a-f]{64} \/.+\.json$/.test(line))).toBe(true);
  expect(err).toEqual([
    expect.stringMatching(
      new RegExp(`^BAD ${bad[0]}: is not valid JSON \\(.*\\)\\. Fix or delete the file, then re-record it`),
    ),
    expect.stringMatching(
      new RegExp(`^BAD ${bad[1]}: does not match recording.schema.json: .* Fix or delete the file`),
    ),
    expect.stringMatching(
      new RegExp(
        `^BAD ${bad[2]}: does not hold a chat completion: response\\.body\\.__data__\\.choices must NOT have fewer than 1 items`,
      ),
    ),
    `3 of ${COUNT + 3} could not be used; each is named above with what to do.`,
  ]);
});

test("verify, list and replay take the folder, recursively, and each bad file is a line of its own", () => {
  const { root, bad } = bigFolder();
  const verify = run(["verify", root]);
  expect(verify.code).toBe(1);
  expect(verify.out.filter((line) => line.startsWith("BAD "))).toHaveLength(3);
  expect(verify.out.at(-2)).toBe(`${COUNT} of ${COUNT + 3} recordings verified in ${root}`);
  const list = run(["list", root, "--test", "case 12"]);
  expect(list.code).toBe(1);
  // case 12, case 120…129, case 1200…1299: 1 + 10 + 100.
  expect(list.out).toHaveLength(111);
  expect(list.err.filter((line) => line.startsWith("BAD "))).toHaveLength(3);
  const replay = run(["replay", join(root, "responses")]);
  expect(replay.code).toBe(1);
  const results = replay.out.map((line) => JSON.parse(line));
  expect(results).toHaveLength(COUNT + 3);
  expect(results.filter((result) => result.error).map((result) => result.file)).toEqual(bad);
  expect(results.find((result) => result.content === "answer 2999")).toBeDefined();
});

test("no silent exit: a path that does not exist, or nothing to do, says so", () => {
  const missing = run(["hash", "/no/such/recordings"]);
  expect(missing.code).toBe(1);
  expect(missing.err).toEqual([
    "BAD /no/such/recordings: no such file or folder.",
    "1 of 1 could not be used; each is named above with what to do.",
  ]);
  const none = run(["hash"]);
  expect(none.code).toBe(1);
  expect(none.err[0]).toBe("recordings: hash needs at least one PATH");
});

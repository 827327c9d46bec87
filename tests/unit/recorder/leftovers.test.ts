/**
 * An interrupted write leaves `.<name>.<pid>.<random>.tmp` behind; one older than a minute
 * belongs to no write still running and goes with the next write in its folder, or with
 * `recordings verify --fix`. A younger one may be a write in progress and stays.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { createRecorder } from "../../../recorder/index.ts";
import { SEED_HASH, SEED_TEXT, temporaryRecordingDir } from "./support/fixtures.ts";
import { chatCompletion } from "./support/upstream-data.ts";

const CLI = new URL("../../../recorder/cli/main.ts", import.meta.url).pathname;
const TEST_ID = "tests/integration/responses/leftovers.spec.ts::a write[stack=local]";

/** A stale leftover (two minutes old) and a fresh one in `folder`. */
function leftovers(folder: string): { stale: string; fresh: string } {
  mkdirSync(folder, { recursive: true });
  const stale = join(folder, `.${"a".repeat(64)}.json.4242.deadbeef.tmp`);
  const fresh = join(folder, `.${"b".repeat(64)}.json.4343.feedface.tmp`);
  writeFileSync(stale, '{"half": ');
  writeFileSync(fresh, '{"half": ');
  const twoMinutesAgo = new Date(Date.now() - 120_000);
  utimesSync(stale, twoMinutesAgo, twoMinutesAgo);
  return { stale, fresh };
}

test("the next write in a folder removes its stale leftovers, not fresh ones", async () => {
  const root = temporaryRecordingDir();
  const { stale, fresh } = leftovers(join(root, "responses"));
  const elsewhere = leftovers(join(root, "common"));
  const recorder = createRecorder({
    mode: "record",
    recordingDir: root,
    upstream: async () => Response.json(chatCompletion("ok")),
  });
  const client = new OpenAI({ apiKey: "k", baseURL: "http://upstream.test/v1", fetch: recorder.fetch });
  await recorder.withTestId(TEST_ID, () =>
    client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] }),
  );
  expect(existsSync(stale)).toBe(false);
  expect(existsSync(fresh)).toBe(true);
  // Another folder's leftovers wait for a write there.
  expect(existsSync(elsewhere.stale)).toBe(true);
});

test("verify --fix removes stale leftovers and keeps fresh ones, saying so", () => {
  const root = temporaryRecordingDir();
  const { stale, fresh } = leftovers(join(root, "responses"));
  writeFileSync(join(root, "responses", `${SEED_HASH}.json`), SEED_TEXT);
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", CLI, "verify", root, ...args], { encoding: "utf8" });
  const before = run();
  expect(before.status).toBe(1);
  expect(before.stdout).toContain(`BAD ${stale}: left over from an interrupted write`);
  const fixed = run("--fix");
  expect(fixed.stdout.trim().split("\n")).toEqual([
    `removed ${stale}: left over from an interrupted write`,
    `WARN ${fresh}: a write in progress, or one interrupted less than a minute ago: kept`,
    `2 of 2 recordings verified in ${root}, 1 with warnings`,
    "named by: 1 both schemes (the same hash)",
  ]);
  expect(fixed.status).toBe(0);
  expect(existsSync(stale)).toBe(false);
  expect(existsSync(fresh)).toBe(true);
});

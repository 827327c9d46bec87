/**
 * `prune --stale` removes what our recorder left behind, never another recorder's
 * evidence: Llama Stack's files that replay cannot reach (named by an older rule) stay,
 * however often a run passes without using them.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { staleRecordings } from "../../../recorder/cli/stale.ts";
import { RecordingStore } from "../../../recorder/index.ts";
import { PROJECT_ROOT } from "../../integration/fixtures/settings.ts";
import { readJson } from "./support/files.ts";

const LLAMA_STACK = join(PROJECT_ROOT, "tests/unit/fixtures/llama-stack/recordings");

test("a run that passes without a Llama Stack file leaves it alone; our own unused file is stale", () => {
  const root = mkdtempSync(join(tmpdir(), "stale-"));
  mkdirSync(join(root, "responses"));
  const name = readdirSync(LLAMA_STACK).find((file) => {
    const recording = readJson(join(LLAMA_STACK, file)) as {
      test_id?: string;
      request: { provider?: string };
    };
    return typeof recording.test_id === "string" && recording.request.provider === undefined;
  });
  if (!name) throw new Error("no Llama Stack inference recording among the fixtures");
  const theirs = join(root, "responses", name);
  copyFileSync(join(LLAMA_STACK, name), theirs);
  const testId = (readJson(theirs) as { test_id: string }).test_id;

  // The same request as our recorder would have left it, scripted and marked so, under another name.
  const ours = join(root, "responses", `${"0".repeat(64)}.json`);
  const recording = readJson(theirs);
  writeFileSync(
    ours,
    `${JSON.stringify({ ...recording, recorded_by: { recorder: "responses-harness", upstream: "scripted" } }, null, 2)}\n`,
  );

  const stale = staleRecordings(new RecordingStore(root), [{ testId, passed: true, files: [] }]);
  expect(stale).toEqual([{ file: ours, testId }]);
});

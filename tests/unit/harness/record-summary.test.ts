/**
 * After `record` and `record-if-missing` the script says what it wrote, per test: new,
 * changed and unchanged files; and it names the stale recordings (files of tests that
 * ran and passed without using them) with the command that removes them, which works
 * as printed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { expect, test } from "@playwright/test";
import { PROJECT_ROOT } from "../../integration/fixtures/settings.ts";
import { recordingsOf, recordSelftest, reportEnv, runSelftestScript } from "./support/selftest.ts";

test("record says which files each test wrote, new, changed or unchanged, and which went stale", () => {
  test.setTimeout(90_000);
  const recordings = recordSelftest();
  const [streamed = ""] = recordingsOf(recordings, "answers > streamed");
  const [failedStream = ""] = recordingsOf(recordings, "expects a failed stream");
  const [toolCall = "", toolAnswer = ""] = recordingsOf(recordings, "calls a tool");
  rmSync(streamed);
  // A recording edited since (its bytes differ from what the provider says now).
  writeFileSync(failedStream, readFileSync(failedStream, "utf8").replace('"created": 0', '"created": 7'));
  // What re-recording a changed test leaves behind: a file of the test that no call of it asks for.
  const leftBehind = join(recordings, "selftest", `${"0".repeat(64)}.json`);
  writeFileSync(leftBehind, readFileSync(toolCall, "utf8"));

  const env = { ...reportEnv(), STACK_TEST_RECORDING_DIR: recordings };
  const run = runSelftestScript(["--inference-mode", "record"], env);
  expect(run.status, run.stdout + run.stderr).toBe(0);
  const out = run.stdout;
  expect(out).toContain("Recordings written: 1 new, 1 changed, 7 unchanged");
  expect(out).toMatch(new RegExp(`answers › streamed .*\\n\\s+new\\s+${streamed}`));
  expect(out).toMatch(new RegExp(`expects a failed stream .*\\n\\s+changed\\s+${failedStream}`));
  expect(out).toMatch(
    new RegExp(`calls a tool .*\\n\\s+unchanged\\s+${toolCall}\\n\\s+unchanged\\s+${toolAnswer}`),
  );
  expect(out).toContain("Stale recordings: 1 file of tests that ran and passed without using it:");
  expect(out).toContain(`${leftBehind}  (calls a tool)`);

  // The command it prints removes the stale file, and only that.
  const command = /remove them with: (.*)/.exec(out)?.[1] ?? "";
  expect(command).toMatch(/^npm run --silent recordings -- prune --stale --apply --dir \S+ --manifest \S+$/);
  const before = readdirSync(join(recordings, "selftest")).sort();
  const prune = spawnSync("bash", ["-c", command], { cwd: PROJECT_ROOT, encoding: "utf8" });
  expect(prune.status, prune.stderr).toBe(0);
  expect(prune.stdout).toContain(`removed ${leftBehind}`);
  expect(existsSync(leftBehind)).toBe(false);
  expect(readdirSync(join(recordings, "selftest")).sort()).toEqual(
    before.filter((name) => name !== basename(leftBehind)),
  );

  // record-if-missing writes only what is missing, and says so.
  rmSync(streamed);
  const again = runSelftestScript(["--inference-mode", "record-if-missing"], {
    ...reportEnv(),
    STACK_TEST_RECORDING_DIR: recordings,
  });
  expect(again.status, again.stdout + again.stderr).toBe(0);
  expect(again.stdout).toContain("Recordings written: 1 new, 0 changed, 0 unchanged");
  expect(again.stdout).toMatch(/replayed {2}4 tests, 8 upstream calls/);
  expect(again.stdout).not.toContain("Stale recordings");
});

test("prune --stale without a run to read says what to do", () => {
  const run = spawnSync(
    "npm",
    ["run", "--silent", "recordings", "--", "prune", "--stale", "--manifest", "/nonexistent"],
    {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    },
  );
  expect(run.status).toBe(1);
  expect(run.stdout).toContain("No run manifest in /nonexistent: run the suite first");
});

/** What a stack printed during one test: its log from the mark taken as the test began, cut to its end when long. */
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { CUT, logMark, logSince } from "../../integration/fixtures/stacks/stack-log.ts";
import { tempDir } from "../harness/support/selftest.ts";

test("the log since a mark is what was written after it; nothing when nothing was; the end when it is long", () => {
  const file = join(tempDir("stack-log"), "stack.log");
  writeFileSync(file, "listening on http://127.0.0.1:4321\n");
  const mark = logMark(file);
  expect(logSince(file, mark)).toBe("");
  appendFileSync(file, "[stack] a response failed: boom\n    at handler (app.ts:1)\n");
  expect(logSince(file, mark)).toBe("[stack] a response failed: boom\n    at handler (app.ts:1)\n");
  appendFileSync(file, "x".repeat(100));
  expect(logSince(file, mark, 40)).toBe(`${CUT}\n${"x".repeat(40)}`);
  expect(logMark(join(file, "..", "none.log"))).toBe(0);
  expect(logSince(undefined, 0)).toBe("");
});

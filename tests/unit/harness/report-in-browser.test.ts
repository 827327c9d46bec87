/**
 * The HTML report as a reviewer sees it, in Debian's Chromium: the index says what each
 * test did below the stack and the run's counts; a passing test shows its transcript
 * open, and its client calls as steps titled by what happened; a failing test shows its
 * replay miss first, every line of it in view.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, expect, type Page, test } from "@playwright/test";
import { recordingsOf, recordSelftest, reportEnv, runSelftest } from "./support/selftest.ts";

/** Debian's Chromium; STACK_TEST_CHROMIUM names another build (GitHub's Ubuntu runners have Google Chrome). */
const CHROMIUM = process.env.STACK_TEST_CHROMIUM || "/usr/bin/chromium";

test.describe.configure({ mode: "serial", timeout: 90_000 });

let browser: Browser;
let page: Page;
let report: string;

test.beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`).toBe(
    true,
  );
  const recordings = recordSelftest();
  // One test misses its second turn; the others replay.
  rmSync(recordingsOf(recordings, "answers > at once")[1] ?? "");
  const env = reportEnv();
  report = env.STACK_TEST_HTML_REPORT ?? "";
  const run = runSelftest({ ...env, STACK_TEST_RECORDING_DIR: recordings });
  expect(run.status).toBe(1);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

test.afterAll(async () => {
  await browser?.close();
});

const row = (title: string) => page.getByRole("listitem").filter({ hasText: title });

test("the index says what each test did below the stack, and the run's counts", async () => {
  await page.goto(`file://${join(report, "index.html")}`);
  await expect(page.getByText("5 tests below the stack: 1 missed · 4 replayed")).toBeVisible();
  // The run summary beside the index: the counts, then the tests under each outcome.
  await page.goto(`file://${join(report, "run-summary.txt")}`);
  await expect(page.locator("body")).toContainText(
    "5 tests below the stack: 1 missed · 4 replayed\n\nmissed (1)\n  answers › at once  [local × scripted (txt=scripted/assistant)]  missed 1, replayed 1\n\nreplayed (4)",
  );
  await page.goto(`file://${join(report, "index.html")}`);
  await expect(row("answers › at once").getByText("missed", { exact: true })).toBeVisible();
  for (const title of ["answers › streamed", "calls a tool", "expects a failed stream"]) {
    await expect(row(title).getByText("replayed", { exact: true })).toBeVisible();
    await expect(row(title).getByText("missed", { exact: true })).toHaveCount(0);
  }
});

test("a passing test shows its transcript open, and each client call as a step", async () => {
  await page.goto(`file://${join(report, "index.html")}`);
  await row("calls a tool").getByRole("link", { name: "calls a tool" }).first().click();
  const annotations = page.getByTestId("test-case-annotations");
  await expect(annotations).toBeVisible();
  for (const line of [
    "replay mode · 2 client calls · 2 upstream calls (2 replayed)",
    "1. responses.create → completed: function_call get_weather",
    'input: "What is the weather in Paris?"',
    "▸ replayed POST /v1/chat/completions scripted/assistant",
    'came back  stream of 8 chunks, finish_reason tool_calls: get_weather({"city":"Paris"})',
    '2. responses.create → completed: "It is sunny in Paris, 24 °C."',
  ])
    await expect(annotations.getByText(line, { exact: false })).toBeVisible();
  await expect(
    page.getByText("responses.create → completed: function_call get_weather").last(),
  ).toBeVisible();
  await expect(page.getByText("recorded interactions")).toBeVisible();
});

test("a failing test shows its replay miss, every line of it in view", async () => {
  await page.goto(`file://${join(report, "index.html")}`);
  await row("answers › at once").getByRole("link", { name: "answers › at once" }).first().click();
  const error = page.locator(".test-error-view").first();
  await expect(error).toBeVisible();
  await expect(error).toContainText(
    "ReplayMissError: No recording for POST http://scripted.local/v1/chat/completions",
  );
  await expect(error).toContainText("nearest recording of this test and endpoint:");
  await expect(error).toContainText('+ body.messages[2]: {"role":"user","content":"And another?"}');
  await expect(error).toContainText("--inference-mode record-if-missing");
  await expect(error).toContainText("--pattern 'answers › at once'");
  // Nothing runs off to the right: the box shows every line whole.
  const { scrollWidth, clientWidth } = await error.evaluate((element) => ({
    scrollWidth: element.scrollWidth,
    clientWidth: element.clientWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  await expect(page.getByText("responses.create → replay miss", { exact: true })).toBeVisible();
});

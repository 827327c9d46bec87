/**
 * The package's fixtures in replay with nothing recorded: a miss that the stack swallows
 * (as a stack turns a provider error into a 500) still fails the test, with the miss.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { expect, test } from "../../../playwright/fixtures.ts";

test.use({
  recorderOptions: { mode: "replay", recordingDir: mkdtempSync(join(tmpdir(), "fixtures-empty-")) },
});

// Expected to fail: the test's own checks pass, so only the recorder fixture can fail it,
// with the miss; were it to pass, the miss would have been lost.
test.fail();
test("a miss the stack swallows still fails the test", async ({ recorderPorts, recorder }) => {
  const provider = new OpenAI({
    apiKey: "sk-test",
    baseURL: "http://provider.invalid/v1",
    fetch: recorderPorts.fetch,
    maxRetries: 0,
  });
  const swallowed = await provider.chat.completions
    .create({ model: "gpt-4o", messages: [{ role: "user", content: "Never recorded" }] })
    .catch(() => undefined);
  expect(swallowed).toBeUndefined();
  expect(recorder.misses()).toEqual([expect.stringContaining("No recording for POST")]);
});

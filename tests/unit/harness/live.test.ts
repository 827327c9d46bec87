/**
 * `--inference-mode live` against a live provider: a real OpenAI-compatible server on
 * loopback answers over HTTP and SSE; the suite passes, every upstream call is journaled
 * as `live`, and nothing is written, on both stack forms. The `scripted` setup runs live too
 * (its provider lives in the stack), as the README's `--inference-mode live` does.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { PROJECT_ROOT } from "../../integration/fixtures/settings.ts";
import { startCannedProvider } from "./support/canned-provider.ts";
import { reportEnv, runAsync, suiteRun, tempDir } from "./support/selftest.ts";

test("the suite passes live, each upstream call journaled as live, nothing written", async () => {
  test.setTimeout(120_000);
  const provider = await startCannedProvider(join(PROJECT_ROOT, "recordings"));
  const recordings = tempDir("live-recordings");
  const env = {
    ...reportEnv(),
    VLLM_URL: provider.url,
    // web_search searches Tavily live: the same server answers as Tavily, with a key to redact.
    TAVILY_BASE_URL: provider.searchURL,
    TAVILY_SEARCH_API_KEY: "tvly-live-test-key-0123456789",
    STACK_TEST_RECORDING_DIR: recordings,
  };
  try {
    const run = suiteRun(
      env,
      await runAsync(
        "./scripts/integration-tests.sh",
        // The canned provider serves no embeddings: the file_search tests stay out.
        [
          "--suite",
          "responses",
          "--stack-config",
          "local,server:local",
          "--setup",
          "vllm,scripted",
          "--inference-mode",
          "live",
          "--workers",
          "2",
          "--pattern",
          "^(?!.*file_search).*$",
        ],
        env,
      ),
    );
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const results = [...run.all().values()].flat();
    expect(results.length).toBeGreaterThanOrEqual(4 * 10);
    let calls = 0;
    for (const result of results) {
      expect(result.status).toBe("passed");
      const journal = JSON.parse(run.text(result, "recorded interactions") ?? "{}");
      expect(journal.mode).toBe("live");
      for (const interaction of journal.interactions) {
        expect(interaction).toMatchObject({ source: "live", file: "" });
        calls++;
      }
    }
    // The vllm projects' calls all went to the provider over HTTP; the scripted ones stayed in the stack.
    expect(provider.answered).toBe(calls / 2);
    expect(readdirSync(recordings)).toEqual([]);
  } finally {
    await provider.close();
  }
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the stacks file's own syntax.
/**
 * A stack in another language, declared by its start command with `"recorder": "proxy"`:
 * the harness starts a recording proxy per worker slot before it, hands the proxy's base
 * URLs to it in its environment, and declares each test current on the proxy. Here the
 * stack is the reference stack as a plain server (stack/server.ts, no recorder inside,
 * no test id forwarded), its providers a live OpenAI-compatible server and Tavily on
 * loopback: the suite records through the proxy, then replays with the providers gone.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { PROJECT_ROOT } from "../../integration/fixtures/settings.ts";
import { startCannedProvider } from "../harness/support/canned-provider.ts";
import { reportEnv, runAsync, type SuiteRun, suiteRun, tempDir } from "../harness/support/selftest.ts";
import { allFiles } from "../recorder/support/files.ts";

const SEARCH_KEY = "tvly-proxy-test-key-0123456789";

function stacksFile(): string {
  const file = join(tempDir("stacks"), "stacks.json");
  const stacks = {
    "server:plain": {
      description: "the reference stack as a plain server, behind the recording proxy",
      command: "node --import tsx stack/server.ts",
      cwd: PROJECT_ROOT,
      portEnv: "STACK_PORT",
      baseURL: "http://127.0.0.1:${STACK_PORT}/v1",
      readiness: "/v1/health",
      recorder: "proxy",
      upstreams: { vllm: "${PROVIDER_URL}", tavily: "${SEARCH_URL}" },
      env: {
        VLLM_URL: "${STACK_TEST_PROXY_VLLM_URL}",
        STACK_MODELS: "vllm/meta-llama/Llama-3.2-1B-Instruct",
        TAVILY_BASE_URL: "${STACK_TEST_PROXY_TAVILY_URL}",
        TAVILY_SEARCH_API_KEY: SEARCH_KEY,
      },
    },
  };
  writeFileSync(file, JSON.stringify({ stacks }, null, 2));
  return file;
}

async function runSuite(mode: string, env: Record<string, string>): Promise<SuiteRun> {
  const reports = reportEnv();
  const args = [
    "--stack-config",
    "server:plain",
    "--setup",
    "vllm",
    "--inference-mode",
    mode,
    "--workers",
    "2",
    // The live provider serves no embeddings: the file_search tests stay out.
    "--pattern",
    "^(?!.*file_search).*$",
  ];
  return suiteRun(reports, await runAsync("./scripts/integration-tests.sh", args, { ...reports, ...env }));
}

const outcome = (run: SuiteRun) =>
  [...run.all().values()]
    .flat()
    .map((result) => result.annotations.find((found) => found.type === "recordings")?.description ?? "");

test("a stack that knows nothing of the recorder records and replays through the proxy the harness puts before it", async () => {
  test.setTimeout(180_000);
  const provider = await startCannedProvider(join(PROJECT_ROOT, "recordings"));
  const recordings = tempDir("proxy-recordings");
  const env = {
    STACK_TEST_STACKS_FILE: stacksFile(),
    STACK_TEST_RECORDING_DIR: recordings,
    PROVIDER_URL: provider.url,
    SEARCH_URL: provider.searchURL,
  };
  let recorded: SuiteRun;
  try {
    recorded = await runSuite("record", env);
  } finally {
    await provider.close();
  }
  expect(recorded.status, recorded.stdout + recorded.stderr).toBe(0);
  const outcomes = outcome(recorded);
  expect(outcomes.length).toBeGreaterThanOrEqual(10);
  for (const found of outcomes) expect(found).toMatch(/^recorded \d+$/);
  expect(provider.answered).toBeGreaterThanOrEqual(outcomes.length);

  // Filed under each test's id, as the harness declared it current on the proxy; no key written.
  const files = allFiles(join(recordings, "responses")).map((name) => join(recordings, "responses", name));
  // A call a test makes twice alike is one file.
  expect(files.length).toBeGreaterThanOrEqual(outcomes.length);
  expect(files.length).toBeLessThanOrEqual(provider.answered);
  const testIds = new Set(files.map((file) => JSON.parse(readFileSync(file, "utf8")).test_id));
  expect(testIds.size).toBe(outcomes.length);
  for (const testId of testIds)
    expect(testId).toMatch(/\[stack=plain-txt=vllm\/meta-llama\/Llama-3\.2-1B-Instruct\]$/);
  for (const file of files) expect(readFileSync(file, "utf8")).not.toContain(SEARCH_KEY);

  // The providers are gone: the proxy replays, and the report shows each call.
  const replayed = await runSuite("replay", env);
  expect(replayed.status, replayed.stdout + replayed.stderr).toBe(0);
  for (const found of outcome(replayed)) expect(found).toMatch(/^replayed \d+$/);
  const [first] = [...replayed.all().values()].flat();
  const transcript = first?.annotations.find((found) => found.type === "transcript")?.description ?? "";
  expect(transcript).toMatch(
    /▸ replayed POST \/v1\/chat\/completions meta-llama\/Llama-3\.2-1B-Instruct\n {7}file {7}\S+\/responses\/[0-9a-f]{64}\.json/,
  );
});

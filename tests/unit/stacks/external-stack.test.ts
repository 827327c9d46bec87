/**
 * `--stack-config http://host:port`: the suite against a stack that is already running.
 * The reference server is started by hand, as the README says, in replay mode over a copy
 * of the committed recordings, behind a relay that passes on only OGX's provider-data
 * header (as an OGX server reads the test id); the suite runs through the script against
 * it and replays from the server's own recordings. The report says the stack is external,
 * and a miss inside it arrives as that stack's error.
 */
import { cpSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { PROJECT_ROOT } from "../../integration/fixtures/settings.ts";
import { reportEnv, runAsync, type SuiteRun, suiteRun, tempDir } from "../harness/support/selftest.ts";
import { type RunningProcess, startProcess } from "../proxy/support/child-process.ts";
import { type HeaderRelay, startHeaderRelay } from "./support/header-relay.ts";

test.describe.configure({ mode: "serial" });

let server: RunningProcess;
let relay: HeaderRelay;

test.beforeAll(async () => {
  const recordings = join(tempDir("external-stack"), "recordings");
  cpSync(join(PROJECT_ROOT, "recordings"), recordings, { recursive: true });
  server = await startProcess(
    process.execPath,
    ["--import", "tsx", join(PROJECT_ROOT, "tests/integration/fixtures/stack-server.ts"), "--port", "0"],
    { STACK_TEST_INFERENCE_MODE: "replay", STACK_TEST_RECORDING_DIR: recordings },
  );
  relay = await startHeaderRelay(server.url, "x-ogx-provider-data");
});

test.afterAll(async () => {
  await relay?.close();
  await server?.stop();
});

async function runScript(args: string[], env: Record<string, string> = {}): Promise<SuiteRun> {
  const reports = reportEnv();
  const run = await runAsync("./scripts/integration-tests.sh", args, { ...reports, ...env });
  return suiteRun(reports, run);
}

test("the suite replays against a running stack from its own recordings, told each test by header", async () => {
  test.setTimeout(120_000);
  const run = await runScript(["--stack-config", relay.url, "--stack-name", "local", "--workers", "2"]);
  expect(run.status, run.stdout + run.stderr).toBe(0);
  const results = [...run.all().values()].flat();
  expect(results.length).toBeGreaterThanOrEqual(18);
  for (const result of results) expect(result.status).toBe("passed");

  // Every request carried the test id three ways, alike; the server saw only OGX's.
  const posts = relay.seen.filter((headers) => Object.keys(headers).length > 0);
  expect(posts.length).toBeGreaterThanOrEqual(results.length);
  for (const headers of posts) {
    const testId = headers["x-test-id"];
    expect(testId).toMatch(/^tests\/integration\/responses\/.+::.+\[stack=local-txt=scripted\/assistant\]$/);
    expect(JSON.parse(headers["x-ogx-provider-data"] ?? "{}")).toEqual({ __test_id: testId });
    expect(headers["x-llamastack-provider-data"]).toBe(headers["x-ogx-provider-data"]);
  }
  // …and replayed from its own recordings, which its recorder's routes show.
  const journal = (await (
    await fetch(
      `${server.url}/__recorder/journal?keep=1&test_id=${encodeURIComponent(posts[0]?.["x-test-id"] ?? "")}`,
    )
  ).json()) as { interactions: Array<{ source: string }> };
  expect(journal.interactions.length).toBeGreaterThan(0);
  expect(
    journal.interactions.every((interaction: { source: string }) => interaction.source === "replayed"),
  ).toBe(true);

  // The report says the stack is external, and where its recordings are.
  const [first] = results;
  const annotation = (type: string) => first?.annotations.find((found) => found.type === type)?.description;
  expect(annotation("recordings")).toBe("external");
  expect(annotation("transcript")).toContain(
    ` client calls · upstream calls not seen: the stack at ${relay.url}/v1 records below itself, where it keeps its recordings`,
  );
  expect(JSON.parse(run.text(first as never, "recorded interactions") ?? "{}")).toMatchObject({
    stack: "external",
  });
  expect(run.stdout).toContain(`stack config:     ${relay.url} (a running stack`);
  expect(run.stdout).toContain("recordings:       where the stack keeps them");
  expect(run.stdout).toMatch(/external {2}\d+ tests: their stack records below itself/);
  // Which files it used is unknown here: none of the harness's recordings is called stale.
  expect(run.stdout).not.toContain("Stale recordings");
});

test("a replay miss inside a running stack is that stack's error", async () => {
  test.setTimeout(60_000);
  const run = await runScript([
    "--stack-config",
    server.url,
    "--pattern",
    "test_response_non_streaming_basic › earth",
  ]);
  expect(run.status).toBe(1);
  const [result] = run.results("test_response_non_streaming_basic › earth");
  expect(result?.status).toBe("failed");
  const message = result?.errors[0]?.message ?? "";
  // Without --stack-name the test ids say stack=external, which the server has no recording of.
  expect(message).toContain("500 Inference provider 'scripted' failed: No recording for POST");
  expect(message).toContain("[stack=external-txt=scripted/assistant]");
  expect(run.stdout).toContain("in test ids:      stack=external");
});

/**
 * A stack in another language behind the recording proxy: a Python program that knows
 * nothing of the recorder calls its provider at the base URL the proxy printed, with a
 * real key. Recorded once, then replayed with the provider gone, through the proxy's
 * own command line, both processes started as a user starts them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import type { TestJournal } from "../../../recorder/index.ts";
import { allFiles, allText } from "../recorder/support/files.ts";
import { temporaryRecordingDir } from "../recorder/support/fixtures.ts";
import { json, UpstreamServer } from "../recorder/support/upstream-server.ts";
import { type RunningProcess, startProcess } from "./support/child-process.ts";
import { echoChat } from "./support/echo-provider.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;
const PYTHON_STACK = new URL("./support/python_stack.py", import.meta.url).pathname;
const SECRET = "sk-proxy-test-4f9a8b7c6d5e4f3a2b1c";
const SPEC = "tests/integration/responses/proxy.spec.ts";
const TEST = {
  plain: `${SPEC}::answers plainly`,
  streaming: `${SPEC}::streams its answer`,
  forwarded: `${SPEC}::forwards its own test id`,
  failing: `${SPEC}::passes an error on`,
};

/** What the Python stack answers. */
interface StackAnswer {
  status: number;
  content_type?: string;
  text?: string;
  deltas?: string[];
  error?: { error: { message: string; type: string } };
  body?: unknown;
}

async function startProxy(mode: string, recordingDir: string, upstreamUrl: string) {
  const proxy = await startProcess(process.execPath, [
    "--import",
    "tsx",
    join(ROOT, "proxy/main.ts"),
    "--upstream",
    `openai=${upstreamUrl}/v1`,
    "--mode",
    mode,
    "--recording-dir",
    recordingDir,
  ]);
  const baseUrl = /^openai (\S+) -> /m.exec(proxy.stdout())?.[1];
  expect(baseUrl, proxy.stdout()).toBe(`${proxy.url}/openai/v1`);
  return { proxy, baseUrl: baseUrl as string };
}

async function declareCurrentTest(proxy: RunningProcess, testId: string | null): Promise<void> {
  const response = await fetch(`${proxy.url}/__recorder/test`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ testId }),
  });
  expect(response.status).toBe(204);
}

/** What the Python stack answers, test by test: the current test declared on the proxy, or a header. */
async function exercise(proxy: RunningProcess, stack: RunningProcess) {
  const ask = async (question: string, stream: boolean, headers: Record<string, string> = {}) =>
    (
      await fetch(`${stack.url}/ask`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ question, stream }),
      })
    ).json() as Promise<StackAnswer>;
  await declareCurrentTest(proxy, TEST.plain);
  const plain = await ask("what is the capital of France?", false);
  const models = (await (await fetch(`${stack.url}/models`)).json()) as StackAnswer;
  await declareCurrentTest(proxy, TEST.streaming);
  const streaming = await ask("name three colours", true);
  // The header the stack forwards wins over the test declared current.
  const forwarded = await ask("which test is this?", false, { "X-Test-Id": TEST.forwarded });
  await declareCurrentTest(proxy, TEST.failing);
  const failing = await ask("please fail", false);
  await declareCurrentTest(proxy, null);
  return { plain, models, streaming, forwarded, failing };
}

test("a Python stack behind the proxy records, then replays without its provider, and no key reaches a file", async () => {
  const upstream = await new UpstreamServer().start();
  upstream.routes.set("POST /v1/chat/completions", echoChat);
  upstream.routes.set(
    "GET /v1/models",
    json(200, { object: "list", data: [{ id: "gpt-4o", object: "model", created: 1, owned_by: "openai" }] }),
  );
  const recordingDir = temporaryRecordingDir();
  const stacks: RunningProcess[] = [];
  try {
    // Record.
    const recording = await startProxy("record", recordingDir, upstream.baseUrl);
    stacks.push(recording.proxy);
    const stack = await startProcess("python3", [PYTHON_STACK], {
      PROVIDER_BASE_URL: recording.baseUrl,
      PROVIDER_API_KEY: SECRET,
    });
    stacks.push(stack);
    const recorded = await exercise(recording.proxy, stack);

    expect(recorded.plain).toMatchObject({ status: 200, text: "You asked: what is the capital of France?" });
    expect(recorded.plain.content_type).toContain("application/json");
    expect(recorded.streaming).toMatchObject({ status: 200, text: "You asked: name three colours" });
    expect(recorded.streaming.content_type).toContain("text/event-stream");
    expect(recorded.streaming.deltas?.length).toBeGreaterThan(2);
    expect(recorded.forwarded).toMatchObject({ status: 200, text: "You asked: which test is this?" });
    expect(recorded.failing.status).toBe(401);
    expect(recorded.failing.error?.error.message).toMatch(/^Incorrect API key provided: /);
    expect(recorded.models).toMatchObject({ status: 200, body: { data: [{ id: "gpt-4o" }] } });

    // Upstream got the key, and none of the test-id headers.
    const calls = upstream.requests.filter((request) => request.path === "/v1/chat/completions");
    expect(calls).toHaveLength(4);
    for (const call of calls) {
      expect(call.headers.authorization).toBe(`Bearer ${SECRET}`);
      expect(call.headers["x-test-id"]).toBeUndefined();
    }

    // One file per call, filed under the suite of its test, each under the right test id.
    const files = allFiles(recordingDir);
    expect(files).toHaveLength(5);
    expect(files.every((file) => file.startsWith("responses/"))).toBe(true);
    const testIds = files.map((file) => JSON.parse(readFileSync(join(recordingDir, file), "utf8")).test_id);
    expect(testIds.sort()).toEqual(
      [TEST.plain, TEST.plain, TEST.streaming, TEST.forwarded, TEST.failing].sort(),
    );
    expect(allText(recordingDir)).not.toContain(SECRET);
    expect(recorded.failing.error?.error.message).not.toContain(SECRET);
    const before = allText(recordingDir);

    // Replay, with the provider gone.
    await recording.proxy.stop();
    await upstream.stop();
    const replaying = await startProxy("replay", recordingDir, upstream.baseUrl);
    stacks.push(replaying.proxy);
    const replayStack = await startProcess("python3", [PYTHON_STACK], {
      PROVIDER_BASE_URL: replaying.baseUrl,
      PROVIDER_API_KEY: "sk-another-key-for-replay",
    });
    stacks.push(replayStack);
    const replayed = await exercise(replaying.proxy, replayStack);
    expect(replayed).toEqual(recorded);
    expect(allText(recordingDir)).toBe(before);

    // The harness collects what each test replayed.
    const journal = (await (
      await fetch(`${replaying.proxy.url}/__recorder/journal?test_id=${encodeURIComponent(TEST.plain)}`)
    ).json()) as TestJournal;
    expect(journal.misses).toEqual([]);
    expect(
      journal.interactions.map((entry: { source: string; call: string }) => [entry.source, entry.call]),
    ).toEqual([
      ["replayed", "POST /v1/chat/completions gpt-4o"],
      ["replayed", "POST /v1/models"],
    ]);

    // A call nobody recorded: the stack gets a 404 that says so, once.
    await declareCurrentTest(replaying.proxy, TEST.plain);
    const missed = (await (
      await fetch(`${replayStack.url}/ask`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ question: "a question never recorded", stream: false }),
      })
    ).json()) as StackAnswer;
    expect(missed.status).toBe(404);
    expect(missed.error?.error.type).toBe("replay_miss");
    expect(missed.error?.error.message).toContain(`test id: ${TEST.plain}`);
    expect(replaying.proxy.stderr()).toContain("No recording for POST");
  } finally {
    await Promise.all(stacks.map((running) => running.stop()));
    await upstream.stop().catch(() => undefined);
  }
});

/**
 * A caller that goes away cancels the model: the upstream stream is cancelled, and the
 * recorder under the stack writes nothing for a stream it only half heard.
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { createRecorder, testIdHeaders } from "../../../recorder/index.ts";
import { createStack } from "../../../stack/app.ts";
import { startStackServer } from "../../../stack/server.ts";

const TEST_ID = "tests/integration/responses/abort.spec.ts::a caller goes away[stack=local-txt=openai/slow]";

/** An upstream that sends one word every 20 ms, and notes when it is cancelled. */
function slowUpstream() {
  const state = { sent: 0, cancelled: false };
  const encoder = new TextEncoder();
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "slow", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const fetch = async () =>
    new Response(
      new ReadableStream({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          if (state.sent < 50) controller.enqueue(encoder.encode(chunk({ content: `word${state.sent++} ` })));
          else {
            controller.enqueue(encoder.encode(`${chunk({}, "stop")}data: [DONE]\n\n`));
            controller.close();
          }
        },
        cancel() {
          state.cancelled = true;
        },
      }),
      { headers: { "content-type": "text/event-stream" } },
    );
  return { state, fetch };
}

async function readTwoDeltasThenAbort(client: OpenAI): Promise<void> {
  const abort = new AbortController();
  const stream = await client.responses.create(
    { model: "openai/slow", input: "Count slowly.", stream: true },
    { signal: abort.signal },
  );
  let deltas = 0;
  try {
    for await (const event of stream) {
      if (event.type === "response.output_text.delta" && ++deltas === 2) abort.abort();
    }
  } catch (error) {
    expect(error).toBeInstanceOf(OpenAI.APIUserAbortError);
  }
}

for (const mode of ["library", "server"] as const) {
  test(`${mode} mode: aborting a stream cancels upstream, and nothing is recorded`, async () => {
    const upstream = slowUpstream();
    const recordingDir = mkdtempSync(join(tmpdir(), "abort-"));
    const recorder = createRecorder({ mode: "record", recordingDir, env: {}, upstream: upstream.fetch });
    const providers = [
      { type: "openai-compatible" as const, id: "openai", baseURL: "https://api.openai.com/v1", apiKey: "k" },
    ];
    const headers = testIdHeaders(TEST_ID);
    // The stack has nothing to report of a caller that went away: no stack trace in a passing run.
    const logged: unknown[][] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      if (mode === "library") {
        const stack = createStack({ ports: recorder, providers });
        const client = new OpenAI({
          baseURL: "http://stack.local/v1",
          apiKey: "x",
          fetch: stack.fetch,
          defaultHeaders: headers,
          maxRetries: 0,
        });
        await readTwoDeltasThenAbort(client);
        await expect.poll(() => upstream.state.cancelled).toBe(true);
        stack.close();
      } else {
        const server = await startStackServer({ ports: recorder, providers, port: 0 });
        const client = new OpenAI({
          baseURL: `${server.url}/v1`,
          apiKey: "x",
          defaultHeaders: headers,
          maxRetries: 0,
        });
        await readTwoDeltasThenAbort(client);
        await expect.poll(() => upstream.state.cancelled).toBe(true);
        await server.close();
      }
    } finally {
      console.error = consoleError;
    }
    expect(logged).toEqual([]);
    expect(upstream.state.sent).toBeLessThan(50);
    expect(existsSync(recordingDir) ? readdirSync(recordingDir, { recursive: true }) : []).toEqual([]);
  });
}

/**
 * What the harness's tracing costs a replayed test, measured inside Playwright against
 * the same stack and recordings: a client call plain or traced (a step, the journal
 * settled, the title), and a test's end with the journal attached only (what the harness
 * did before) or with the transcript, outcome annotation and manifest entry as well.
 * Prints one `BENCH {json}` line per measurement, medians in milliseconds.
 */
import OpenAI from "openai";
import { attachJournal } from "../../playwright/attachments.ts";
import { testIdHeaders } from "../../recorder/index.ts";
import { callTitle } from "../../tests/integration/fixtures/describe-call.ts";
import { test } from "../../tests/integration/fixtures/harness.ts";
import { TestLog } from "../../tests/integration/fixtures/test-log.ts";
import { reportTest } from "../../tests/integration/fixtures/test-report.ts";
import { traceClient } from "../../tests/integration/fixtures/traced-client.ts";
import { median, race } from "../stats.ts";

const SPEC = "tests/integration/responses/test_basic_responses.spec.ts";
const PLAIN_ID = `${SPEC}::test_response_non_streaming_basic > earth[stack=local-txt=scripted/assistant]`;
const STREAM_ID = `${SPEC}::test_response_streaming_basic > earth[stack=local-txt=scripted/assistant]`;
const REQUEST = { model: "scripted/assistant", input: "Which planet do humans live on?" };

test("tracing cost", async ({ stack, harness }, testInfo) => {
  const client = (testId: string) =>
    new OpenAI({
      baseURL: stack.baseURL,
      apiKey: "x",
      defaultHeaders: testIdHeaders(testId),
      maxRetries: 0,
      ...(stack.fetch ? { fetch: stack.fetch } : {}),
    });
  const clients: Record<string, OpenAI> = { [PLAIN_ID]: client(PLAIN_ID), [STREAM_ID]: client(STREAM_ID) };
  const traced = (testId: string) => {
    const log = new TestLog(() => stack.journal(testId, { keep: true }));
    const tracedClient = traceClient(clients[testId] as OpenAI, {
      settled: async (call) => ({ title: callTitle(call, (await log.settle(call)).failures[0]) }),
    });
    return { log, client: tracedClient };
  };
  // Each run is a test's worth: begin, the call, the journal taken.
  const once = async (testId: string, call: (client: OpenAI) => Promise<unknown>, trace: boolean) => {
    await stack.begin(testId);
    await call(trace ? traced(testId).client : (clients[testId] as OpenAI));
    return stack.journal(testId);
  };
  const create = (openai: OpenAI) => openai.responses.create({ ...REQUEST, stream: false });
  const stream = async (openai: OpenAI) => {
    for await (const _ of await openai.responses.create({ ...REQUEST, stream: true }));
  };
  const calls = await race(
    [
      { name: "create, plain", run: () => once(PLAIN_ID, create, false) },
      { name: "create, traced", run: () => once(PLAIN_ID, create, true) },
      { name: "stream, plain", run: () => once(STREAM_ID, stream, false) },
      { name: "stream, traced", run: () => once(STREAM_ID, stream, true) },
    ],
    { rounds: 7, perRound: 60, warmup: 30 },
  );

  // A test's end, after one streamed call.
  await stack.begin(STREAM_ID);
  const { log, client: tracedClient } = traced(STREAM_ID);
  await stream(tracedClient);
  const journal = await stack.journal(STREAM_ID);
  const ends = await race(
    [
      {
        name: "end of test, journal attached",
        run: () => attachJournal(testInfo, STREAM_ID, harness.mode, journal, { attachMisses: false }),
      },
      {
        name: "end of test, with transcript and manifest",
        run: () => reportTest(testInfo, { testId: STREAM_ID, settings: harness, journal, log }),
      },
    ],
    { rounds: 5, perRound: 20, warmup: 5 },
  );
  for (const [name, samples] of [...calls, ...ends])
    console.log(`BENCH ${JSON.stringify({ form: testInfo.project.name, name, median: median(samples) })}`);
});

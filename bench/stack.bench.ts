/**
 * The reference stack's own cost per replayed `responses.create`, through the openai SDK,
 * in library and in server mode, over the recorder's replay of the very upstream call
 * the stack makes. Self-contained: it records its own scripted turn in a temporary folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { createRecorder, currentTestId, type FetchLike, type InferenceRecording } from "../recorder/index.ts";
import { createStack } from "../stack/app.ts";
import type { ProviderConfig } from "../stack/providers/registry.ts";
import { routeHosts } from "../stack/providers/route-hosts.ts";
import { createScriptedProvider } from "../stack/providers/scripted/handler.ts";
import { startStackServer } from "../stack/server.ts";
import type { BenchResult } from "./recorder.bench.ts";
import { type Contender, formatMs, median, race, table } from "./stats.ts";

const TEST_ID =
  "tests/integration/responses/bench.spec.ts::replayed create[stack=local-txt=scripted/assistant]";
const MODEL = "scripted/assistant";
const ANSWER =
  "The Golden Gate Bridge opened in 1937 and spans about 2.7 kilometres across the strait, " +
  "linking San Francisco to Marin County; its colour is officially called International Orange.";
const REQUEST = {
  model: MODEL,
  instructions: "Answer in one sentence.",
  input: "Tell me one fact about the Golden Gate Bridge.",
};
// includeUsage adds the usage chunk that real providers send, so the replayed stream is realistic.
const PROVIDERS: ProviderConfig[] = [{ type: "scripted", includeUsage: true }];

const noNetwork: FetchLike = async (input) => {
  throw new Error(`replay must not reach the network (asked for ${String(input)})`);
};

function sdk(baseURL: string, fetch?: FetchLike): OpenAI {
  return new OpenAI({
    apiKey: "sk-bench",
    baseURL,
    maxRetries: 0,
    defaultHeaders: { "x-test-id": TEST_ID },
    ...(fetch ? { fetch } : {}),
  });
}

async function create(client: OpenAI): Promise<OpenAI.Responses.Response> {
  const response = await client.responses.create({ ...REQUEST, stream: false });
  if (response.output_text !== ANSWER) throw new Error(`unexpected answer: ${response.output_text}`);
  return response;
}

async function stream(client: OpenAI): Promise<number> {
  let events = 0;
  let last = "";
  for await (const event of await client.responses.create({ ...REQUEST, stream: true })) {
    events++;
    last = event.type;
  }
  if (last !== "response.completed") throw new Error(`the stream ended with ${last}, after ${events} events`);
  return events;
}

async function replayChat(client: OpenAI, body: OpenAI.ChatCompletionCreateParamsStreaming): Promise<number> {
  let chunks = 0;
  for await (const _chunk of await client.chat.completions.create(body)) chunks++;
  return chunks;
}

/** Records the scripted turn once, as `--inference-mode record` would; returns the non-streamed response. */
async function record(recordingDir: string, scriptsDir: string): Promise<OpenAI.Responses.Response> {
  const scripted = createScriptedProvider({ scriptsDir, currentTestId });
  const recorder = createRecorder({
    mode: "record",
    recordingDir,
    upstream: routeHosts({ "scripted.local": scripted.fetch }, globalThis.fetch),
    env: {},
  });
  const stack = createStack({ ports: recorder, providers: PROVIDERS });
  try {
    const client = sdk("http://stack.local/v1", stack.fetch);
    recorder.beginTest(TEST_ID);
    const response = await create(client);
    await stream(client);
    return response;
  } finally {
    stack.close();
  }
}

export async function benchStack(): Promise<BenchResult> {
  const root = mkdtempSync(join(tmpdir(), "bench-stack-"));
  const recordingDir = join(root, "recordings");
  const scriptsDir = join(root, "scripts");
  mkdirSync(scriptsDir);
  // scripts/<spec stem>.json, keyed by the title path of the test id.
  writeFileSync(join(scriptsDir, "bench.json"), JSON.stringify({ "replayed create": [{ text: ANSWER }] }));

  const recorded = await record(recordingDir, scriptsDir);
  const files = readdirSync(recordingDir, { recursive: true, encoding: "utf8" }).filter((name) =>
    name.endsWith(".json"),
  );
  // The stack always streams upstream with the same body, so both calls share one recording.
  if (files.length !== 1) throw new Error(`expected one recording, found ${files.join(", ") || "none"}`);
  const recording = JSON.parse(
    readFileSync(join(recordingDir, files[0] as string), "utf8"),
  ) as InferenceRecording;
  const chatBody = recording.request.body as OpenAI.ChatCompletionCreateParamsStreaming;

  const recorder = createRecorder({ mode: "replay", recordingDir, upstream: noNetwork, env: {} });
  const stack = createStack({ ports: recorder, providers: PROVIDERS });
  const server = await startStackServer({ ports: recorder, providers: PROVIDERS });
  const library = sdk("http://stack.local/v1", stack.fetch);
  const http = sdk(`${server.url}/v1`);
  const baseline = sdk("http://scripted.local/v1", recorder.fetch);

  try {
    // A fresh test before every call, as the harness starts one: the same ids and clock
    // each time, which also proves the replay gives back exactly what was recorded.
    const fresh = (run: () => Promise<unknown>) => () => {
      recorder.beginTest(TEST_ID);
      return run();
    };
    for (const [mode, client] of [
      ["library", library],
      ["server", http],
    ] as const) {
      const replayed = await fresh(() => create(client))();
      if (JSON.stringify(replayed) !== JSON.stringify(recorded))
        throw new Error(`the ${mode} replay differs from the recorded response`);
    }
    const streamed = await fresh(() => stream(library))();
    const chunks = await recorder.withTestId(TEST_ID, () => replayChat(baseline, chatBody));

    const names = {
      baseline: "recorder replay of the upstream chat completion (baseline)",
      libraryPlain: "library, non-streaming",
      libraryStream: "library, streaming",
      serverPlain: "server (HTTP on 127.0.0.1), non-streaming",
      serverStream: "server (HTTP on 127.0.0.1), streaming",
    };
    const contenders: Contender[] = [
      {
        name: names.baseline,
        run: fresh(() => recorder.withTestId(TEST_ID, () => replayChat(baseline, chatBody))),
      },
      { name: names.libraryPlain, run: fresh(() => create(library)) },
      { name: names.libraryStream, run: fresh(() => stream(library)) },
      { name: names.serverPlain, run: fresh(() => create(http)) },
      { name: names.serverStream, run: fresh(() => stream(http)) },
    ];
    const started = performance.now();
    const samples = await race(contenders, { rounds: 10, perRound: 40, warmup: 100 });
    const seconds = (performance.now() - started) / 1000;
    const get = (name: string) => median(samples.get(name) ?? []);
    const base = get(names.baseline);
    const added = (name: string) => get(name) - base;
    const rows = contenders.map(({ name }) => [
      name,
      formatMs(get(name)),
      name === names.baseline ? "" : `+${formatMs(added(name))}`,
    ]);
    const library2 = Math.max(added(names.libraryPlain), added(names.libraryStream));
    const server5 = Math.max(added(names.serverPlain), added(names.serverStream));

    return {
      title: "Reference stack: a replayed responses.create through the openai SDK (median per call)",
      lines: [
        table(["contender", "median", "beyond the recorder's replay"], rows),
        "",
        `one upstream recording (${chunks} chunks) serves both; the stream gives ${streamed} events; ` +
          `${contenders.length} contenders timed in ${seconds.toFixed(1)} s`,
        "server mode's figure includes its own HTTP round trip and SSE framing",
      ],
      checks: [
        {
          target: `library mode adds < 2 ms per call beyond the recorder's replay (non-streaming ${formatMs(added(names.libraryPlain))}, streaming ${formatMs(added(names.libraryStream))})`,
          ok: library2 < 2,
        },
        {
          target: `server mode adds < 5 ms per call beyond the recorder's replay (non-streaming ${formatMs(added(names.serverPlain))}, streaming ${formatMs(added(names.serverStream))})`,
          ok: server5 < 5,
        },
      ],
    };
  } finally {
    await server.close();
    stack.close();
    rmSync(root, { recursive: true, force: true });
  }
}

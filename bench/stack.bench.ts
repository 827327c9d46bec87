/**
 * The reference stack's own cost per replayed `responses.create`, through the openai SDK,
 * in library and in server mode, over the recorder's replay of the very upstream calls
 * the stack makes: for a plain answer (one chat completion), and for the tool loop with
 * one web_search call (two chat completions and the search's tool invocation).
 * Self-contained: each scenario records its own scripted turns in a temporary folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import type { ResponseCreateParamsNonStreaming } from "openai/resources/responses/responses";
import {
  type ApiRecorder,
  createRecorder,
  currentTestId,
  type FetchLike,
  isInferenceRecording,
  isToolRecording,
  type Recording,
} from "../recorder/index.ts";
import { createStack, type StackOptions } from "../stack/app.ts";
import { routeHosts } from "../stack/providers/route-hosts.ts";
import { createScriptedProvider } from "../stack/providers/scripted/handler.ts";
import { startStackServer } from "../stack/server.ts";
import { scriptedSearch } from "../stack/tools/web-search/search-provider.ts";
import type { BenchResult } from "./recorder.bench.ts";
import { type Contender, formatMs, median, race, table } from "./stats.ts";

interface Scenario {
  /** The test's title path; its turns are scripted under it. */
  title: string;
  request: Omit<ResponseCreateParamsNonStreaming, "stream">;
  turns: unknown[];
  answer: string;
  /** How many recordings the scenario makes (calls with the same body share one). */
  recordings: number;
}

const ANSWER =
  "The Golden Gate Bridge opened in 1937 and spans about 2.7 kilometres across the strait, " +
  "linking San Francisco to Marin County; its colour is officially called International Orange.";

const PLAIN: Scenario = {
  title: "replayed create",
  request: {
    model: "scripted/assistant",
    instructions: "Answer in one sentence.",
    input: "Tell me one fact about the Golden Gate Bridge.",
  },
  turns: [{ text: ANSWER }],
  answer: ANSWER,
  recordings: 1,
};

const WEB_SEARCH: Scenario = {
  title: "replayed web search",
  request: {
    model: "scripted/assistant",
    input: "When did the Golden Gate Bridge open?",
    tools: [{ type: "web_search" }],
  },
  turns: [
    {
      tool_calls: [
        {
          name: "web_search",
          arguments: { query: "Golden Gate Bridge opening year" },
          search_results: [1, 2, 3, 4, 5].map((rank) => ({
            url: `https://example.org/golden-gate/${rank}`,
            title: `Golden Gate Bridge, source ${rank}`,
            content: `${ANSWER} (source ${rank})`,
            score: 0.9 - rank / 100,
          })),
        },
      ],
    },
    { text: ANSWER },
  ],
  answer: ANSWER,
  recordings: 3,
};

const testIdOf = (scenario: Scenario) =>
  `tests/integration/responses/bench.spec.ts::${scenario.title}[stack=local-txt=scripted/assistant]`;

const noNetwork: FetchLike = async (input) => {
  throw new Error(`replay must not reach the network (asked for ${String(input)})`);
};

function sdk(scenario: Scenario, baseURL: string, fetch?: FetchLike): OpenAI {
  return new OpenAI({
    apiKey: "sk-bench",
    baseURL,
    maxRetries: 0,
    defaultHeaders: { "x-test-id": testIdOf(scenario) },
    ...(fetch ? { fetch } : {}),
  });
}

async function create(scenario: Scenario, client: OpenAI): Promise<OpenAI.Responses.Response> {
  const response = await client.responses.create({ ...scenario.request, stream: false });
  if (response.output_text !== scenario.answer) throw new Error(`unexpected answer: ${response.output_text}`);
  return response;
}

async function stream(scenario: Scenario, client: OpenAI): Promise<number> {
  let events = 0;
  let last = "";
  for await (const event of await client.responses.create({ ...scenario.request, stream: true })) {
    events++;
    last = event.type;
  }
  if (last !== "response.completed") throw new Error(`the stream ended with ${last}, after ${events} events`);
  return events;
}

/** The stack's options over `recorder`; the search answers on `fetch`, below the recorder. */
function stackOptions(recorder: ApiRecorder, fetch: FetchLike): StackOptions {
  // includeUsage adds the usage chunk that real providers send, so the replayed stream is realistic.
  return {
    ports: recorder,
    providers: [{ type: "scripted", includeUsage: true }],
    search: { ...scriptedSearch(), fetch },
  };
}

/** Records the scenario once, as `--inference-mode record` would; returns the non-streamed response. */
async function record(scenario: Scenario, recordingDir: string, scriptsDir: string) {
  const scripted = createScriptedProvider({ scriptsDir, currentTestId });
  const upstream = routeHosts({ "scripted.local": scripted.fetch }, globalThis.fetch);
  const recorder = createRecorder({ mode: "record", recordingDir, upstream, env: {} });
  const stack = createStack(stackOptions(recorder, upstream));
  try {
    const client = sdk(scenario, "http://stack.local/v1", stack.fetch);
    recorder.beginTest(testIdOf(scenario));
    const response = await create(scenario, client);
    await stream(scenario, client);
    return response;
  } finally {
    stack.close();
  }
}

/** Replays, through the recorder alone, every upstream call the stack makes for the scenario, in order. */
function replaysOf(recorder: ApiRecorder, recordings: Recording[], client: OpenAI): () => Promise<number> {
  const calls = recordings.map((recording) => {
    if (isToolRecording(recording)) {
      const { provider, tool_name, kwargs } = recording.request;
      return () =>
        recorder.invokeTool(provider, tool_name, kwargs, noNetwork as () => Promise<unknown>).then(() => 1);
    }
    if (!isInferenceRecording(recording)) throw new Error("the scenario records only inference and tools");
    const body = recording.request.body as OpenAI.ChatCompletionCreateParamsStreaming;
    return async () => {
      let chunks = 0;
      for await (const _chunk of await client.chat.completions.create(body)) chunks++;
      return chunks;
    };
  });
  return async () => {
    let total = 0;
    for (const call of calls) total += await call();
    return total;
  };
}

interface Measured {
  rows: string[][];
  /** Medians beyond the recorder's replays: library and server, non-streaming and streaming. */
  added: { libraryPlain: number; libraryStream: number; serverPlain: number; serverStream: number };
  note: string;
}

async function measure(scenario: Scenario): Promise<Measured> {
  const root = mkdtempSync(join(tmpdir(), "bench-stack-"));
  const recordingDir = join(root, "recordings");
  const scriptsDir = join(root, "scripts");
  mkdirSync(scriptsDir);
  // scripts/<spec stem>.json, keyed by the title path of the test id.
  writeFileSync(join(scriptsDir, "bench.json"), JSON.stringify({ [scenario.title]: scenario.turns }));
  const testId = testIdOf(scenario);

  const recorded = await record(scenario, recordingDir, scriptsDir);
  const files = readdirSync(recordingDir, { recursive: true, encoding: "utf8" }).filter((name) =>
    name.endsWith(".json"),
  );
  if (files.length !== scenario.recordings) {
    throw new Error(`expected ${scenario.recordings} recordings, found ${files.join(", ") || "none"}`);
  }
  // In the order the stack makes the calls: chat turns by the messages they hold, the search after the first.
  const recordings = files
    .map((file) => JSON.parse(readFileSync(join(recordingDir, file), "utf8")) as Recording)
    .sort((a, b) => order(a) - order(b));

  const recorder = createRecorder({ mode: "replay", recordingDir, upstream: noNetwork, env: {} });
  const stack = createStack(stackOptions(recorder, noNetwork));
  const server = await startStackServer({ ...stackOptions(recorder, noNetwork) });
  const library = sdk(scenario, "http://stack.local/v1", stack.fetch);
  const http = sdk(scenario, `${server.url}/v1`);
  const replays = replaysOf(recorder, recordings, sdk(scenario, "http://scripted.local/v1", recorder.fetch));

  try {
    // A fresh test before every call, as the harness starts one: the same ids and clock
    // each time, which also proves the replay gives back exactly what was recorded.
    const fresh = (run: () => Promise<unknown>) => () => {
      recorder.beginTest(testId);
      return run();
    };
    for (const [mode, client] of [
      ["library", library],
      ["server", http],
    ] as const) {
      const replayed = await fresh(() => create(scenario, client))();
      if (JSON.stringify(replayed) !== JSON.stringify(recorded))
        throw new Error(`the ${mode} replay differs from the recorded response`);
    }
    const streamed = await fresh(() => stream(scenario, library))();

    const names = {
      baseline: `recorder replays of the ${recordings.length} upstream call(s) it makes (baseline)`,
      libraryPlain: "library, non-streaming",
      libraryStream: "library, streaming",
      serverPlain: "server (HTTP on 127.0.0.1), non-streaming",
      serverStream: "server (HTTP on 127.0.0.1), streaming",
    };
    const contenders: Contender[] = [
      { name: names.baseline, run: fresh(() => recorder.withTestId(testId, replays)) },
      { name: names.libraryPlain, run: fresh(() => create(scenario, library)) },
      { name: names.libraryStream, run: fresh(() => stream(scenario, library)) },
      { name: names.serverPlain, run: fresh(() => create(scenario, http)) },
      { name: names.serverStream, run: fresh(() => stream(scenario, http)) },
    ];
    const started = performance.now();
    const samples = await race(contenders, { rounds: 10, perRound: 40, warmup: 100 });
    const seconds = (performance.now() - started) / 1000;
    const get = (name: string) => median(samples.get(name) ?? []);
    const base = get(names.baseline);
    const added = (name: string) => get(name) - base;
    return {
      rows: contenders.map(({ name }) => [
        name,
        formatMs(get(name)),
        name === names.baseline ? "" : `+${formatMs(added(name))}`,
      ]),
      added: {
        libraryPlain: added(names.libraryPlain),
        libraryStream: added(names.libraryStream),
        serverPlain: added(names.serverPlain),
        serverStream: added(names.serverStream),
      },
      note: `the stream gives ${streamed} events; ${contenders.length} contenders timed in ${seconds.toFixed(1)} s`,
    };
  } finally {
    await server.close();
    stack.close();
    rmSync(root, { recursive: true, force: true });
  }
}

function order(recording: Recording): number {
  if (isToolRecording(recording)) return 1.5;
  if (!isInferenceRecording(recording)) return 0;
  const messages = (recording.request.body as { messages?: unknown[] }).messages ?? [];
  return messages.length;
}

const header = ["contender", "median", "beyond the recorder's replays"];
const pair = (a: number, b: number) => `non-streaming ${formatMs(a)}, streaming ${formatMs(b)}`;

export async function benchStack(): Promise<BenchResult> {
  const { rows, added, note } = await measure(PLAIN);
  return {
    title: "Reference stack: a replayed responses.create through the openai SDK (median per call)",
    lines: [
      table(header, rows),
      "",
      `one upstream recording serves both; ${note}`,
      "server mode's figure includes its own HTTP round trip and SSE framing",
    ],
    checks: [
      {
        target: `library mode adds < 2 ms per call beyond the recorder's replay (${pair(added.libraryPlain, added.libraryStream)})`,
        ok: Math.max(added.libraryPlain, added.libraryStream) < 2,
      },
      {
        target: `server mode adds < 5 ms per call beyond the recorder's replay (${pair(added.serverPlain, added.serverStream)})`,
        ok: Math.max(added.serverPlain, added.serverStream) < 5,
      },
    ],
  };
}

export async function benchToolLoop(): Promise<BenchResult> {
  const { rows, added, note } = await measure(WEB_SEARCH);
  return {
    title:
      "Reference stack: the tool loop, a replayed response with one web_search call (two inferences, one search)",
    lines: [
      table(header, rows),
      "",
      `the baseline replays both chat completions and the search's tool invocation; ${note}`,
      "server mode's figure includes its own HTTP round trip and SSE framing",
    ],
    checks: [
      {
        target: `library mode adds < 3 ms beyond the replays it makes (${pair(added.libraryPlain, added.libraryStream)})`,
        ok: Math.max(added.libraryPlain, added.libraryStream) < 3,
      },
      {
        target: `server mode adds < 3 ms beyond the replays it makes (${pair(added.serverPlain, added.serverStream)})`,
        ok: Math.max(added.serverPlain, added.serverStream) < 3,
      },
    ],
  };
}

/**
 * The recording proxy's cost: the seed's 18-chunk stream replayed through the proxy over
 * loopback HTTP, against the recorder's replay in-process (what a TypeScript stack gets)
 * and a plain loopback server sending the same bytes (what any HTTP hop costs).
 */
import { readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { parseUpstreams, startRecordingProxy } from "../proxy/index.ts";
import { streamText } from "../recorder/http/replay-response.ts";
import { createRecorder, type FetchLike, TEST_ID_HEADER } from "../recorder/index.ts";
import { type BenchResult, consume, folderWithSeed, SEED_FILE } from "./recorder.bench.ts";
import { type Contender, formatMs, median, race, table } from "./stats.ts";

const noNetwork: FetchLike = async (input) => {
  throw new Error(`replay must not reach the network (asked for ${String(input)})`);
};

export async function benchProxy(): Promise<BenchResult> {
  const seedText = readFileSync(SEED_FILE, "utf8");
  const seed = JSON.parse(seedText) as {
    test_id: string;
    request: { body: OpenAI.ChatCompletionCreateParamsStreaming };
    response: { body: unknown[] };
  };
  const body = seed.request.body;
  const root = folderWithSeed(10, seedText);
  const sse = streamText("chat", seed.response.body);
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end(sse);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxy = await startRecordingProxy({
    upstreams: parseUpstreams(["openai=https://api.openai.com/v1"]),
    mode: "replay",
    recordingDir: root,
    upstream: noNetwork,
    env: {},
  });
  const recorder = createRecorder({ mode: "replay", recordingDir: root, upstream: noNetwork, env: {} });
  const sdk = (baseURL: string, fetch?: FetchLike) =>
    new OpenAI({
      apiKey: "sk-bench",
      baseURL,
      maxRetries: 0,
      defaultHeaders: { [TEST_ID_HEADER]: seed.test_id },
      ...(fetch ? { fetch } : {}),
    });
  // The seed was recorded with Llama Stack's doubled /v1.
  const inProcess = sdk("https://api.openai.com/v1/v1", recorder.fetch);
  const loopback = sdk(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/v1`);
  const proxied = sdk(`${proxy.baseUrls.openai}/v1`);

  try {
    const names = {
      inProcess: "SDK + recorder replay in-process (baseline)",
      loopback: "SDK + loopback server sending the same bytes",
      proxy: "SDK + recording proxy replay over loopback",
    };
    const contenders: Contender[] = [
      { name: names.inProcess, run: () => recorder.withTestId(seed.test_id, () => consume(inProcess, body)) },
      { name: names.loopback, run: () => consume(loopback, body) },
      { name: names.proxy, run: () => consume(proxied, body) },
    ];
    const samples = await race(contenders, { rounds: 10, perRound: 50, warmup: 200 });
    const get = (name: string) => median(samples.get(name) ?? []);
    const base = get(names.inProcess);
    const rows = contenders.map(({ name }) => [
      name,
      formatMs(get(name)),
      name === names.inProcess ? "" : `+${formatMs(get(name) - base)}`,
    ]);
    const overHop = get(names.proxy) - get(names.loopback);
    return {
      title:
        "Recording proxy: the seed's 18-chunk stream replayed through the openai SDK (median per request)",
      lines: [table(["contender", "median", "over in-process replay"], rows)],
      checks: [
        {
          target: `the proxy adds < 1 ms per request over any loopback HTTP hop (${formatMs(overHop)})`,
          ok: overHop < 1,
        },
      ],
    };
  } finally {
    await proxy.close();
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The recorder's replay cost, measured on the seed's 18-chunk stream consumed through
 * the openai SDK, against the SDK alone and against other ways of replaying the same bytes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PollyConfig } from "@pollyjs/core";
import OpenAI from "openai";
import { streamText } from "../recorder/http/replay-response.ts";
import { createRecorder, type FetchLike } from "../recorder/index.ts";
import { type Contender, formatMs, median, race, table } from "./stats.ts";

export const SEED_FILE = new URL("../tests/unit/fixtures/seed-recording.json", import.meta.url);
export const SEED_HASH = "f2e35fd69fcee9ba64e2dad17958422983ab71e56b26d9504a22b6018dcadb5f";

interface Seed {
  test_id: string;
  request: { body: OpenAI.ChatCompletionCreateParamsStreaming };
  response: { body: unknown[] };
}

export interface BenchResult {
  title: string;
  lines: string[];
  checks: Array<{ target: string; ok: boolean }>;
}

export function folderWithSeed(fillers: number, seedText: string): string {
  const root = mkdtempSync(join(tmpdir(), "bench-recordings-"));
  const folder = join(root, "responses");
  mkdirSync(folder);
  writeFileSync(join(folder, `${SEED_HASH}.json`), seedText);
  const filler = seedText.slice(0, 400);
  for (let i = 0; i < fillers; i++)
    writeFileSync(join(folder, `${i.toString(16).padStart(64, "0")}.json`), filler);
  return root;
}

export async function consume(
  client: OpenAI,
  body: OpenAI.ChatCompletionCreateParamsStreaming,
): Promise<number> {
  let chunks = 0;
  for await (const _chunk of await client.chat.completions.create(body)) chunks++;
  if (chunks !== 18) throw new Error(`expected the seed's 18 chunks, got ${chunks}`);
  return chunks;
}

export async function benchRecorder(): Promise<BenchResult> {
  const seedText = readFileSync(SEED_FILE, "utf8");
  const seed = JSON.parse(seedText) as Seed;
  const body = seed.request.body;
  const sse = streamText("chat", seed.response.body);
  const sseHeaders = { "content-type": "text/event-stream" };

  const server = createServer((_request, response) => {
    _request.resume();
    _request.on("end", () => {
      response.writeHead(200, sseHeaders);
      response.end(sse);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const loopbackBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/v1`;
  const sdk = (baseURL: string, fetch?: FetchLike) =>
    new OpenAI({ apiKey: "sk-bench", baseURL, maxRetries: 0, ...(fetch ? { fetch } : {}) });
  // Resolved at call time, so that Polly's and nock's patches of the global are seen.
  const viaGlobalFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

  const root = folderWithSeed(10, seedText);
  const recorder = createRecorder({ mode: "replay", recordingDir: root, env: {} });
  const recorderClient = sdk("https://api.openai.com/v1/v1", recorder.fetch);
  const inMemoryClient = sdk(
    "https://api.openai.com/v1/v1",
    async () => new Response(sse, { headers: sseHeaders }),
  );
  const loopbackClient = sdk(loopbackBase);

  const polly = await pollyReplayer(loopbackBase, body);
  const nockScope = await nockReplayer(loopbackBase, sse);

  const globalFetchClient = sdk(loopbackBase, viaGlobalFetch);
  // Every contender runs inside the same test context: the recorder needs one, and the
  // AsyncLocalStorage it costs is paid once per test by the harness, not per replay.
  const inTest = (run: () => Promise<unknown>) => () => recorder.withTestId(seed.test_id, run);
  const contenders: Contender[] = [
    { name: "SDK + in-memory fetch (baseline)", run: inTest(() => consume(inMemoryClient, body)) },
    { name: "SDK + recorder replay", run: inTest(() => consume(recorderClient, body)) },
    { name: "SDK + live loopback HTTP server", run: inTest(() => consume(loopbackClient, body)) },
    {
      name: "SDK + Polly.js replay, one Polly per test",
      run: inTest(() => polly.perTest(() => consume(globalFetchClient, body))),
    },
    {
      name: "SDK + Polly.js replay, one warm Polly for all",
      run: inTest(() => consume(globalFetchClient, body)),
      ...polly.warm,
    },
    {
      name: "SDK + nock 14 interceptor",
      run: inTest(() => consume(globalFetchClient, body)),
      enter: nockScope.enter,
      exit: nockScope.exit,
    },
  ];
  const samples = await race(contenders, { rounds: 20, perRound: 50, warmup: 200 });
  const medians = new Map([...samples].map(([name, times]) => [name, median(times)]));
  const get = (prefix: string) => [...medians].find(([name]) => name.startsWith(prefix))?.[1] ?? Number.NaN;
  const baseline = get("SDK + in-memory");
  const ours = get("SDK + recorder");
  const rows = [...medians].map(([name, value]) => [name, formatMs(value), `${(value / ours).toFixed(2)}×`]);

  const scaling = await lookupScaling(seed, seedText);
  await polly.stop();
  nockScope.stop();
  server.close();
  rmSync(root, { recursive: true, force: true });

  const added = ours - baseline;
  const ratio = (prefix: string) => get(prefix) / ours;
  return {
    title: "Recorder replay: the seed's 18-chunk stream through the openai SDK (median per request)",
    lines: [
      table(["contender", "median", "÷ recorder"], rows),
      "",
      `recorder adds ${formatMs(added)} per request over the SDK's own parsing`,
      "",
      table(["folder", "lookup median", "heap growth over 2000 lookups"], scaling.rows),
    ],
    checks: [
      { target: `replay adds ≤ 0.2 ms over the SDK alone (${formatMs(added)})`, ok: added <= 0.2 },
      {
        target: `≥ 1.5× faster than Polly.js, one Polly per test as its setup does (${ratio("SDK + Polly.js replay, one Polly per test").toFixed(2)}×; against one warm Polly holding its recording in memory: ${ratio("SDK + Polly.js replay, one warm").toFixed(2)}×)`,
        ok: ratio("SDK + Polly.js replay, one Polly per test") >= 1.5,
      },
      { target: `≥ 5× faster than nock (${ratio("SDK + nock").toFixed(2)}×)`, ok: ratio("SDK + nock") >= 5 },
      {
        target: `≥ 1.5× faster than a live loopback server (${ratio("SDK + live").toFixed(2)}×)`,
        ok: ratio("SDK + live") >= 1.5,
      },
      {
        target: `10,000 recordings cost no more per lookup than 10 (${scaling.ratio.toFixed(2)}×)`,
        ok: scaling.ratio <= 1.25,
      },
    ],
  };
}

/** The recorder's own lookup, without the SDK: a folder of 10 against a folder of 10,000. */
async function lookupScaling(seed: Seed, seedText: string) {
  const request = JSON.stringify(seed.request.body);
  const folders = [
    { label: "10 recordings", root: folderWithSeed(9, seedText) },
    { label: "10,000 recordings", root: folderWithSeed(9_999, seedText) },
  ];
  const recorders = folders.map(({ root }) =>
    createRecorder({ mode: "replay", recordingDir: root, env: {} }),
  );
  const lookup = (index: number) => () =>
    recorders[index]?.withTestId(seed.test_id, async () =>
      (
        await recorders[index]?.fetch(`https://api.openai.com/v1/v1/chat/completions`, {
          method: "POST",
          body: request,
        })
      )?.text(),
    ) ?? Promise.resolve();
  const samples = await race(
    folders.map((folder, index) => ({ name: folder.label, run: lookup(index) })),
    { rounds: 5, perRound: 300, warmup: 100 },
  );
  const heapGrowth = async (index: number) => {
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 2000; i++) await lookup(index)();
    globalThis.gc?.();
    return process.memoryUsage().heapUsed - before;
  };
  const rows: string[][] = [];
  const medians: number[] = [];
  for (const [index, folder] of folders.entries()) {
    const value = median(samples.get(folder.label) ?? []);
    medians.push(value);
    const growth = await heapGrowth(index);
    rows.push([
      folder.label,
      formatMs(value),
      `${(growth / 1024).toFixed(0)} KiB${globalThis.gc ? "" : " (run with --expose-gc)"}`,
    ]);
  }
  for (const { root } of folders) rmSync(root, { recursive: true, force: true });
  return { rows, ratio: (medians[1] ?? 0) / (medians[0] ?? 1) };
}

async function pollyReplayer(baseURL: string, body: OpenAI.ChatCompletionCreateParamsStreaming) {
  const [{ Polly }, { default: FetchAdapter }, { default: FSPersister }] = await Promise.all([
    import("@pollyjs/core"),
    import("@pollyjs/adapter-fetch"),
    import("@pollyjs/persister-fs"),
  ]);
  // Their type declarations describe the ES module shape; the default export is the class.
  Polly.register(FetchAdapter as unknown as Parameters<typeof Polly.register>[0]);
  Polly.register(FSPersister as unknown as Parameters<typeof Polly.register>[0]);
  const recordingsDir = mkdtempSync(join(tmpdir(), "bench-polly-"));
  const config: PollyConfig = {
    adapters: ["fetch"],
    persister: "fs",
    persisterOptions: { fs: { recordingsDir } },
    adapterOptions: { fetch: { context: globalThis } },
    // Polly's defaults (headers, body, method, URL), except that a replayed request may
    // be asked for again: the benchmark repeats it, a suite would not.
    matchRequestsBy: { order: false },
    logLevel: "silent",
  };
  const recorder = new Polly("seed-stream", { ...config, mode: "record" });
  const client = new OpenAI({
    apiKey: "sk-bench",
    baseURL,
    maxRetries: 0,
    fetch: (i, n) => globalThis.fetch(i, n),
  });
  await consume(client, body);
  await recorder.stop();
  const replayConfig: PollyConfig = { ...config, mode: "replay", recordIfMissing: false };
  // Per test, Polly's defaults hold entirely: each test asks once, in order.
  const { matchRequestsBy: _repeatable, ...perTestConfig } = replayConfig;
  const warm = new Polly("seed-stream", replayConfig);
  warm.disconnectFrom("fetch");
  return {
    /** One Polly for every request: its recording stays parsed in memory. */
    warm: { enter: () => warm.connectTo("fetch"), exit: () => warm.disconnectFrom("fetch") },
    /** A Polly per test, as its test-framework setup does: it loads the recording from disk each time. */
    perTest: async (run: () => Promise<unknown>) => {
      const polly = new Polly("seed-stream", perTestConfig);
      try {
        return await run();
      } finally {
        await polly.stop();
      }
    },
    stop: async () => {
      await warm.stop();
      rmSync(recordingsDir, { recursive: true, force: true });
    },
  };
}

async function nockReplayer(baseURL: string, sse: string) {
  const { default: nock } = await import("nock");
  const url = new URL(baseURL);
  nock(url.origin)
    .persist()
    .post(`${url.pathname}/chat/completions`)
    .reply(200, sse, { "content-type": "text/event-stream" });
  nock.restore();
  return {
    enter: () => nock.activate(),
    exit: () => nock.restore(),
    stop: () => nock.cleanAll(),
  };
}

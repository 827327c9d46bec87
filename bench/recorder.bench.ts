/**
 * The recorder's replay cost, measured on the seed's 18-chunk stream consumed through the
 * openai SDK, against the SDK alone and against other ways of replaying the same bytes:
 * Polly.js as its setup runs it (a Polly per test, which loads the test's recording) with
 * 1, 2 and 3 requests per test, one warm Polly holding its recordings in memory, nock and
 * a live loopback server. Each test's requests differ (as a test's do), so each is a
 * recording of its own. Times are per request: a test's time over its requests.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { streamText } from "../recorder/http/replay-response.ts";
import { createRecorder, type FetchLike } from "../recorder/index.ts";
import { nockReplayer, pollyReplayer } from "./replayers.ts";
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

/** As a checked-out folder is: its files last changed a minute ago (the recorder caches only settled files). */
export function settle(root: string): void {
  const past = new Date(Date.now() - 60_000);
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory()) visit(join(path, entry.name));
      utimesSync(join(path, entry.name), past, past);
    }
    utimesSync(path, past, past);
  };
  visit(root);
}

export function folderWithSeed(fillers: number, seedText: string): string {
  const root = mkdtempSync(join(tmpdir(), "bench-recordings-"));
  const folder = join(root, "responses");
  mkdirSync(folder);
  writeFileSync(join(folder, `${SEED_HASH}.json`), seedText);
  const filler = seedText.slice(0, 400);
  for (let i = 0; i < fillers; i++)
    writeFileSync(join(folder, `${i.toString(16).padStart(64, "0")}.json`), filler);
  settle(root);
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

const MAX_REQUESTS = 3;

export async function benchRecorder(): Promise<BenchResult> {
  const seedText = readFileSync(SEED_FILE, "utf8");
  const seed = JSON.parse(seedText) as Seed;
  // The i-th request of a test asks its own question.
  const bodies = Array.from({ length: MAX_REQUESTS }, (_, i) => ({
    ...seed.request.body,
    messages: [
      { role: "user" as const, content: `Question ${i + 1}: is the weather better in Paris or Rome?` },
    ],
  }));
  const sse = streamText("chat", seed.response.body);
  const sseHeaders = { "content-type": "text/event-stream" };

  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, sseHeaders);
      response.end(sse);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const loopbackBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/v1`;
  const sdk = (baseURL: string, fetch?: FetchLike) =>
    new OpenAI({ apiKey: "sk-bench", baseURL, maxRetries: 0, ...(fetch ? { fetch } : {}) });
  // Resolved at call time, so that Polly's and nock's patches of the global are seen.
  const viaGlobalFetch = sdk(loopbackBase, (input, init) => globalThis.fetch(input, init));
  const testOf = (client: OpenAI) => async (requests: number) => {
    for (let i = 0; i < requests; i++) await consume(client, bodies[i] as (typeof bodies)[number]);
  };

  // The recorder's recordings: recorded from the loopback server, as they would be from a provider.
  const root = mkdtempSync(join(tmpdir(), "bench-recordings-"));
  const recording = createRecorder({ mode: "record", recordingDir: root, env: {} });
  await recording.withTestId(seed.test_id, () => testOf(sdk(loopbackBase, recording.fetch))(MAX_REQUESTS));
  settle(root);
  const recorder = createRecorder({ mode: "replay", recordingDir: root, env: {} });
  const polly = await pollyReplayer(loopbackBase, MAX_REQUESTS, (client, requests) =>
    testOf(client)(requests),
  );
  const nock = await nockReplayer(loopbackBase, sse);

  // Every contender runs inside the same test context: the recorder needs one, and the
  // AsyncLocalStorage it costs is paid once per test by the harness, not per replay.
  const inTest = (run: () => Promise<unknown>) => () => recorder.withTestId(seed.test_id, run);
  const inMemory = sdk(
    "https://api.openai.com/v1/v1",
    async () => new Response(sse, { headers: sseHeaders }),
  );
  const replaying = sdk("https://api.openai.com/v1/v1", recorder.fetch);
  const contenders: Array<Contender & { requests: number }> = [];
  for (let requests = 1; requests <= MAX_REQUESTS; requests++) {
    const per = ` (${requests}/test)`;
    contenders.push(
      {
        name: `SDK + in-memory fetch (baseline)${per}`,
        requests,
        run: inTest(() => testOf(inMemory)(requests)),
      },
      { name: `SDK + recorder replay${per}`, requests, run: inTest(() => testOf(replaying)(requests)) },
      {
        name: `SDK + Polly.js, one Polly per test${per}`,
        requests,
        run: inTest(() => polly.perTest(requests, testOf(viaGlobalFetch))),
      },
      {
        name: `SDK + Polly.js, one warm Polly${per}`,
        requests,
        run: inTest(() => testOf(viaGlobalFetch)(requests)),
        ...polly.warm,
      },
    );
  }
  contenders.push(
    {
      name: "SDK + live loopback HTTP server (1/test)",
      requests: 1,
      run: inTest(() => testOf(sdk(loopbackBase))(1)),
    },
    {
      name: "SDK + nock 14 interceptor (1/test)",
      requests: 1,
      run: inTest(() => testOf(viaGlobalFetch)(1)),
      enter: nock.enter,
      exit: nock.exit,
    },
  );
  const samples = await race(contenders, { rounds: 15, perRound: 30, warmup: 100 });
  await polly.stop();
  nock.stop();
  server.close();
  rmSync(root, { recursive: true, force: true });

  // Per request: each sample is a whole test.
  const perRequest = new Map(
    contenders.map((contender) => [
      contender.name,
      median(samples.get(contender.name) ?? []) / contender.requests,
    ]),
  );
  const get = (prefix: string, requests: number) =>
    perRequest.get(`${prefix} (${requests}/test)`) ?? Number.NaN;
  const ours = (requests: number) => get("SDK + recorder replay", requests);
  const rows = contenders.map(({ name, requests }) => {
    const value = perRequest.get(name) ?? Number.NaN;
    return [name, formatMs(value), `${(value / ours(requests)).toFixed(2)}×`];
  });
  const ratios = (prefix: string) => [1, 2, 3].map((requests) => get(prefix, requests) / ours(requests));
  const show = (values: number[]) => values.map((value) => `${value.toFixed(2)}×`).join(", ");
  const warmRatios = ratios("SDK + Polly.js, one warm Polly");
  const perTestRatios = ratios("SDK + Polly.js, one Polly per test");
  const added = ours(1) - get("SDK + in-memory fetch (baseline)", 1);
  const loopback = (perRequest.get("SDK + live loopback HTTP server (1/test)") ?? Number.NaN) / ours(1);
  const nockRatio = (perRequest.get("SDK + nock 14 interceptor (1/test)") ?? Number.NaN) / ours(1);
  return {
    title:
      "Recorder replay: the seed's 18-chunk stream through the openai SDK, 1 to 3 requests per test (median per request, contenders rotated)",
    lines: [
      table(["contender", "per request", "÷ recorder (same requests/test)"], rows),
      "",
      `recorder adds ${formatMs(added)} per request over the SDK's own parsing`,
      `÷ recorder, 1/2/3 requests per test: Polly per test ${show(perTestRatios)}; warm Polly ${show(warmRatios)}`,
      "The recorder keeps each file it read parsed, validated and framed while the file is unchanged, as a",
      "warm Polly keeps its HAR; its first read of a file is in the lookups section.",
    ],
    checks: [
      { target: `replay adds ≤ 0.2 ms over the SDK alone (${formatMs(added)})`, ok: added <= 0.2 },
      {
        target: `≥ 1.5× faster per request than one warm Polly.js, at 1, 2 and 3 requests per test (${show(warmRatios)})`,
        ok: warmRatios.every((ratio) => ratio >= 1.5),
      },
      {
        target: `≥ 1.5× faster per request than a Polly.js per test, at 1, 2 and 3 requests per test (${show(perTestRatios)})`,
        ok: perTestRatios.every((ratio) => ratio >= 1.5),
      },
      { target: `≥ 5× faster than nock (${nockRatio.toFixed(2)}×)`, ok: nockRatio >= 5 },
      {
        target: `≥ 1.5× faster than a live loopback server (${loopback.toFixed(2)}×)`,
        ok: loopback >= 1.5,
      },
    ],
  };
}

/**
 * Other ways of replaying the same bytes, for the recorder bench: Polly.js (one Polly per
 * test, as its test-framework setup runs it, or one warm Polly holding its recordings in
 * memory) and nock. Each records or registers the seed's stream from the loopback server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PollyConfig } from "@pollyjs/core";
import OpenAI from "openai";

/** One test of `requests` calls: the `i`-th call sends `bodies[i]`. */
export type TestRun = (requests: number) => Promise<unknown>;

export interface PollyReplayer {
  /** A Polly per test, as its setup does: it loads the test's recording from disk, replays, stops. */
  perTest(requests: number, run: TestRun): Promise<unknown>;
  /** One Polly holding every recording in memory, connected around a block of runs. */
  warm: { enter: () => void; exit: () => void };
  stop(): Promise<void>;
}

const recordingName = (requests: number) => `seed-stream-${requests}-requests`;

/**
 * Records, for each test size up to `maxRequests`, a Polly recording of that many calls
 * (through the SDK, to `baseURL`), then replays them.
 */
export async function pollyReplayer(
  baseURL: string,
  maxRequests: number,
  record: (client: OpenAI, requests: number) => Promise<unknown>,
): Promise<PollyReplayer> {
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
    logLevel: "silent",
  };
  const client = new OpenAI({
    apiKey: "sk-bench",
    baseURL,
    maxRetries: 0,
    fetch: (input, init) => globalThis.fetch(input, init),
  });
  for (let requests = 1; requests <= maxRequests; requests++) {
    const recorder = new Polly(recordingName(requests), { ...config, mode: "record" });
    await record(client, requests);
    await recorder.stop();
  }
  // Per test, Polly's defaults hold entirely: each test asks once for each recorded call, in order.
  const replay: PollyConfig = { ...config, mode: "replay", recordIfMissing: false };
  // The warm Polly is asked again and again: a replayed request may repeat, in any order.
  const warm = new Polly(recordingName(maxRequests), { ...replay, matchRequestsBy: { order: false } });
  warm.disconnectFrom("fetch");
  return {
    perTest: async (requests, run) => {
      const polly = new Polly(recordingName(requests), replay);
      try {
        return await run(requests);
      } finally {
        await polly.stop();
      }
    },
    warm: { enter: () => warm.connectTo("fetch"), exit: () => warm.disconnectFrom("fetch") },
    stop: async () => {
      await warm.stop();
      rmSync(recordingsDir, { recursive: true, force: true });
    },
  };
}

/** nock answering every chat call at `baseURL` with `sse`, active only between enter and exit. */
export async function nockReplayer(baseURL: string, sse: string) {
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

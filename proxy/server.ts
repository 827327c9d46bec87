/**
 * The recording proxy on a loopback port: one per Playwright worker, or one for a stack
 * run by hand. Prints nothing itself; proxy/main.ts is the command line.
 */
import { CurrentTest, createRecorder, type RecorderOptions } from "../recorder/index.ts";
import { serveFetch } from "../serve/fetch-server.ts";
import { createRecordingProxy, type RecordingProxy } from "./app.ts";
import { proxiedBaseUrl, type Upstream } from "./upstreams.ts";

export interface RecordingProxyServerOptions extends RecorderOptions {
  upstreams: readonly Upstream[];
  /** A recorder and current test to share (a Playwright worker's); the recorder options are then unused. */
  current?: CurrentTest;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the proxy holds the providers' keys in flight and is for this machine only. */
  host?: string;
  /** How long `close()` lets streams in flight finish. Default 5 s. */
  shutdownGraceMs?: number;
  log?: (message: string) => void;
}

export interface RecordingProxyServer {
  readonly url: string;
  readonly port: number;
  /** Upstream name → the base URL a stack configures for it. */
  readonly baseUrls: Record<string, string>;
  readonly proxy: RecordingProxy;
  /** Stops accepting; streams in flight get the grace to finish. */
  close(): Promise<void>;
}

export async function startRecordingProxy(
  options: RecordingProxyServerOptions,
): Promise<RecordingProxyServer> {
  const { upstreams, port, host, shutdownGraceMs = 5_000, log, current, ...recorderOptions } = options;
  const proxy = createRecordingProxy({
    current: current ?? new CurrentTest(createRecorder(recorderOptions)),
    upstreams,
    ...(log ? { log } : {}),
  });
  const server = await serveFetch({ fetch: proxy.fetch, port, host, shutdownGraceMs });
  return {
    url: server.url,
    port: server.port,
    baseUrls: Object.fromEntries(
      upstreams.map((upstream) => [upstream.name, proxiedBaseUrl(server.url, upstream)]),
    ),
    proxy,
    close: () => server.close(),
  };
}

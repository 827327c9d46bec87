/**
 * The recording proxy on a loopback port: one per Playwright worker, or one for a stack
 * run by hand. Prints nothing itself; proxy/main.ts is the command line.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { CurrentTest, createRecorder, type RecorderOptions } from "../recorder/index.ts";
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
  log?: (message: string) => void;
}

export interface RecordingProxyServer {
  readonly url: string;
  readonly port: number;
  /** Upstream name → the base URL a stack configures for it. */
  readonly baseUrls: Record<string, string>;
  readonly proxy: RecordingProxy;
  /** Stops accepting; streams in flight get `graceMs` (default 5 s) to finish. */
  close(graceMs?: number): Promise<void>;
}

export async function startRecordingProxy(
  options: RecordingProxyServerOptions,
): Promise<RecordingProxyServer> {
  const { upstreams, port = 0, host = "127.0.0.1", log, current, ...recorderOptions } = options;
  const proxy = createRecordingProxy({
    current: current ?? new CurrentTest(createRecorder(recorderOptions)),
    upstreams,
    ...(log ? { log } : {}),
  });
  const server = serve({ fetch: proxy.fetch, port, hostname: host }) as Server;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once("listening", () => resolve(server.address() as AddressInfo));
    server.once("error", reject);
  });
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    baseUrls: Object.fromEntries(upstreams.map((upstream) => [upstream.name, proxiedBaseUrl(url, upstream)])),
    proxy,
    close: (graceMs = 5_000) => {
      closing ??= new Promise<void>((resolve) => {
        const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
        deadline.unref();
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

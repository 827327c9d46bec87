/**
 * A fetch handler served over HTTP (Hono's node server) with a close that lets requests
 * in flight finish and then lets every connection go: what the reference stack's server
 * and the recording proxy both stand on.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";

export interface FetchServerOptions {
  fetch: (request: Request) => Response | Promise<Response>;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** How long `close()` lets requests in flight finish before cutting them off. Default 30 s. */
  shutdownGraceMs?: number;
}

export interface FetchServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, waits for requests in flight (up to the grace), then closes every connection. */
  close(): Promise<void>;
}

export async function serveFetch(options: FetchServerOptions): Promise<FetchServer> {
  const host = options.host ?? "127.0.0.1";
  const server = serve({ fetch: options.fetch, port: options.port ?? 0, hostname: host }) as Server;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once("listening", () => resolve(server.address() as AddressInfo));
    server.once("error", reject);
  });
  let closing: Promise<void> | undefined;
  let stopping = false;
  // Once closing and no request is in flight, every connection left is a client's idle
  // keep-alive socket (even one Node does not count as idle after an aborted stream):
  // let them all go rather than wait for the clients' idle timeouts.
  let inFlight = 0;
  const releaseWhenDone = () => {
    if (stopping && inFlight === 0) setImmediate(() => server.closeAllConnections());
  };
  server.on("request", (_request, response) => {
    inFlight++;
    response.once("close", () => {
      inFlight--;
      releaseWhenDone();
    });
  });
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
    port: address.port,
    close: () => {
      stopping = true;
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
        releaseWhenDone();
        // A client that never finishes reading must not hold the process forever.
        const deadline = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 30_000);
        deadline.unref();
      });
      return closing;
    },
  };
}

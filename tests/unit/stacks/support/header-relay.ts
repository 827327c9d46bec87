/**
 * A loopback relay in front of a stack that passes on only the headers a given server
 * reads: in front of the reference server, keeping only `X-OGX-Provider-Data`, it stands
 * for an OGX server that finds the test id there and nowhere else. It notes the test-id
 * headers every request came with.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

export interface HeaderRelay {
  url: string;
  /** Per request, the test-id headers it came with (lower-case names). */
  seen: Array<Record<string, string>>;
  close(): Promise<void>;
}

const TEST_ID_HEADERS = ["x-test-id", "x-llamastack-provider-data", "x-ogx-provider-data"];
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-encoding"]);

export async function startHeaderRelay(target: string, keep: string): Promise<HeaderRelay> {
  const seen: HeaderRelay["seen"] = [];
  const server = createServer(async (request, response) => {
    const headers = request.headers as Record<string, string>;
    seen.push(
      Object.fromEntries(TEST_ID_HEADERS.flatMap((name) => (headers[name] ? [[name, headers[name]]] : []))),
    );
    const forwarded = new Headers();
    for (const [name, value] of Object.entries(headers)) {
      // The body goes on as it came; fetch frames it anew.
      if (name === "host" || name === "connection" || name === "content-length") continue;
      if (TEST_ID_HEADERS.includes(name) && name !== keep) continue;
      forwarded.set(name, String(value));
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let upstream: Response;
    try {
      upstream = await fetch(`${target}${request.url}`, {
        method: request.method,
        headers: forwarded,
        ...(body.length ? { body } : {}),
      });
    } catch (error) {
      response.writeHead(502, { "content-type": "text/plain" });
      response.end(`The relay could not reach ${target}: ${(error as Error).message}`);
      return;
    }
    const returned = [...upstream.headers].filter(([name]) => !HOP_BY_HOP.has(name));
    response.writeHead(upstream.status, Object.fromEntries(returned));
    if (upstream.body)
      Readable.fromWeb(upstream.body as import("node:stream/web").ReadableStream).pipe(response);
    else response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A real HTTP server on loopback that plays an OpenAI-compatible upstream: each test
 * sets the routes it needs. It counts requests, so a test can prove replay never
 * touched the network.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Route = (
  request: IncomingMessage,
  body: string,
  response: ServerResponse,
) => void | Promise<void>;

export class UpstreamServer {
  readonly routes = new Map<string, Route>();
  readonly requests: Array<{
    method: string;
    path: string;
    body: string;
    headers: IncomingMessage["headers"];
  }> = [];
  #server: Server | undefined;
  baseUrl = "";

  async start(): Promise<this> {
    this.#server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString("utf8");
      const path = (request.url ?? "").split("?")[0] ?? "";
      this.requests.push({ method: request.method ?? "", path, body, headers: request.headers });
      const route = this.routes.get(`${request.method} ${path}`);
      if (!route) {
        response.writeHead(404, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: `no route for ${request.method} ${path}` } }));
        return;
      }
      await route(request, body, response);
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }
}

export function json(status: number, body: unknown): Route {
  return (_request, _body, response) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
}

/** Chat-completions framing: `data:` lines, then `data: [DONE]`, one write per event. */
export function chatStream(chunks: unknown[]): Route {
  return async (_request, _body, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    for (const chunk of chunks) {
      response.write(`data: ${JSON.stringify(chunk)}\n\n`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    response.end("data: [DONE]\n\n");
  };
}

/** Responses-API framing: `event:` and `data:` lines, no terminator. */
export function responsesStream(events: Array<{ type: string }>): Route {
  return (_request, _body, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    for (const event of events) response.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    response.end();
  };
}

/** Sends the first `count` chunks, then destroys the socket: a network failure mid-stream. */
export function brokenChatStream(chunks: unknown[], count: number): Route {
  return async (_request, _body, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    for (const chunk of chunks.slice(0, count)) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    response.destroy();
  };
}

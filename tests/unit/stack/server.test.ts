/** Server mode: the same handler over real HTTP and SSE, in process and as its own process. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { expect, test } from "@playwright/test";
import type OpenAI from "openai";
import { createStack } from "../../../stack/app.ts";
import { startStackServer } from "../../../stack/server.ts";
import {
  capturing,
  collect,
  deterministicPorts,
  httpClient,
  libraryClient,
  MODEL,
  REPO_ROOT,
  SCRIPTS_DIR,
  testIdOf,
  weatherTool,
} from "./helpers.ts";

/** One conversation, streamed and not, with everything a client can read back about it. */
async function exercise(client: OpenAI) {
  const first = await client.responses.create({
    model: MODEL,
    input: "Weather in Lisbon?",
    tools: [weatherTool],
  });
  const events = await collect(
    await client.responses.create({
      model: MODEL,
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: "call_lisbon", output: "sunny" }],
      tools: [weatherTool],
      stream: true,
    }),
  );
  const last = events.at(-1);
  const secondId = last && "response" in last ? last.response.id : "";
  return {
    first,
    events,
    second: await client.responses.retrieve(secondId),
    items: (await client.responses.inputItems.list(secondId)).data,
    list: await client.get("/responses"),
    models: (await client.models.list()).data,
  };
}

test("library and server mode give the same results", async () => {
  const testId = testIdOf();
  const library = capturing(deterministicPorts());
  const stack = createStack({ ports: library.ports, providers: [{ type: "scripted" }] });
  const served = capturing(deterministicPorts());
  const server = await startStackServer({ ports: served.ports, providers: [{ type: "scripted" }], port: 0 });
  try {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const inProcess = await exercise(libraryClient(stack, testId));
    const overHttp = await exercise(httpClient(server.url, testId));
    expect(inProcess.second.output_text).toBe("Lisbon is sunny today.");
    expect(overHttp).toEqual(inProcess);
    // Same requests upstream, so the same recordings replay through both.
    expect(served.calls.map((call) => call.body)).toEqual(library.calls.map((call) => call.body));
  } finally {
    stack.close();
    await server.close();
  }
});

/** A chat-completions upstream that streams one word, then holds the stream until released. */
async function heldUpstream(): Promise<{ server: Server; url: string; release: () => void }> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: "chatcmpl-held", object: "chat.completion.chunk", created: 0, model: "held", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(chunk({ role: "assistant", content: "" }));
    res.write(chunk({ content: "Finished" }));
    void released.then(() => {
      res.end(`${chunk({ content: " anyway." })}${chunk({}, "stop")}data: [DONE]\n\n`);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, release };
}

/** The status of a GET on a fresh connection, or "refused" once nothing listens. */
function probe(url: string): Promise<number | "refused"> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve("refused"));
    req.end();
  });
}

async function startServerProcess(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "stack/server.ts", "--port", "0", "--scripts-dir", SCRIPTS_DIR],
    { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
    if (match?.[1]) return { child, url: match[1] };
  }
  throw new Error(`the server exited (code ${child.exitCode}) without announcing its address`);
}

test("the server process announces its port, serves HTTP and SSE, and shuts down gracefully on SIGTERM", async () => {
  const upstream = await heldUpstream();
  const { child, url } = await startServerProcess({
    OPENAI_API_KEY: "sk-test-not-a-secret",
    OPENAI_BASE_URL: upstream.url,
    STACK_PORT: "",
  });
  const exited = once(child, "exit");
  try {
    expect(await probe(`${url}/v1/health`)).toBe(200);
    const client = httpClient(url, testIdOf());

    // The test id travels in the X-Test-Id header and picks this test's script.
    const scripted = await client.responses.create({ model: MODEL, input: "Over HTTP?" });
    expect(scripted.output_text).toBe("Served over real HTTP.");

    // A streamed response is in flight, its upstream held open, when SIGTERM arrives.
    const stream = await client.responses.create({ model: "openai/held-model", input: "Go", stream: true });
    const events = [];
    const iterator = stream[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next();
      if (next.done) throw new Error("the stream ended before its first delta");
      events.push(next.value);
      if (next.value.type === "response.output_text.delta") break;
    }
    child.kill("SIGTERM");
    // It stops accepting connections while the response is still streaming...
    await expect.poll(() => probe(`${url}/v1/health`)).toBe("refused");
    upstream.release();
    // ...and that response still completes.
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      events.push(next.value);
    }
    const last = events.at(-1);
    expect(last?.type).toBe("response.completed");
    expect(last?.type === "response.completed" && last.response.output[0]).toMatchObject({
      content: [{ type: "output_text", text: "Finished anyway." }],
    });

    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    upstream.release();
    upstream.server.close();
  }
});

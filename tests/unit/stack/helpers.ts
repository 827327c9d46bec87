/**
 * A stack per test, wired like the real thing but without a recorder: the scripted
 * provider answers from ./scripts, ids and clock are deterministic, and every request
 * that leaves the stack is captured so tests can check what went upstream.
 */
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type TestInfo, test } from "@playwright/test";
import OpenAI from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { createStack, type Stack, type StackOptions } from "../../../stack/app.ts";
import { createPassthroughPorts } from "../../../stack/passthrough-ports.ts";
import type { StackPorts, UpstreamFetch } from "../../../stack/ports.ts";
import type { ProviderConfig } from "../../../stack/providers/registry.ts";
import { scriptedSearch } from "../../../stack/tools/web-search/search-provider.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const SCRIPTS_DIR = fileURLToPath(new URL("./scripts", import.meta.url));

/** The harness's test id: `<spec path>::<title path>`, plus a parameter suffix when given. */
export function testIdOf(testInfo: TestInfo = test.info(), params = ""): string {
  const spec = relative(REPO_ROOT, testInfo.file).split("\\").join("/");
  return `${spec}::${testInfo.titlePath.slice(1).join(" > ")}${params}`;
}

const PREFIXES: Record<string, string> = {
  response: "resp_",
  message: "msg_",
  function_call: "fc_",
  function_call_output: "fco_",
  tool_call: "call_",
};

/** Passthrough ports with counters for ids and a clock that ticks once per reading. */
export function deterministicPorts(options: { fetch?: UpstreamFetch; idTag?: string } = {}): StackPorts {
  const ports = createPassthroughPorts({
    scriptsDir: SCRIPTS_DIR,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const tag = options.idTag ?? "test";
  const counters = new Map<string, number>();
  let clock = 1_700_000_000;
  return {
    ...ports,
    mintId: (kind) => {
      const next = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, next);
      return `${PREFIXES[kind] ?? `${kind}_`}${tag}${next}`;
    },
    now: () => clock++,
  };
}

export interface UpstreamCall {
  url: string;
  body: Record<string, unknown> & { messages: Array<Record<string, unknown>> };
}

export interface ToolInvocation {
  provider: string;
  toolName: string;
  kwargs: Record<string, unknown>;
}

/** Wraps `ports.fetch` and `ports.invokeTool` so that every upstream request body and tool invocation is kept, in order. */
export function capturing(ports: StackPorts): {
  ports: StackPorts;
  calls: UpstreamCall[];
  invocations: ToolInvocation[];
} {
  const calls: UpstreamCall[] = [];
  const invocations: ToolInvocation[] = [];
  return {
    calls,
    invocations,
    ports: {
      ...ports,
      invokeTool: (provider, toolName, kwargs, run) => {
        invocations.push({ provider, toolName, kwargs });
        return ports.invokeTool(provider, toolName, kwargs, run);
      },
      fetch: async (input, init) => {
        const request = new Request(input, init);
        if (request.method === "POST") {
          calls.push({ url: request.url, body: (await request.clone().json()) as UpstreamCall["body"] });
        }
        return ports.fetch(request);
      },
    },
  };
}

export interface TestStack {
  stack: Stack;
  calls: UpstreamCall[];
  invocations: ToolInvocation[];
  /** An SDK client for `testId`, talking to the stack in process. */
  client: OpenAI;
}

/** A fresh stack (and SDK client) for the running test. */
export function startTestStack(
  options: {
    providers?: ProviderConfig[];
    fetch?: UpstreamFetch;
    idTag?: string;
  } & Partial<StackOptions> = {},
): TestStack {
  const base = deterministicPorts(options);
  const { ports, calls, invocations } = capturing(base);
  const stack = createStack({
    // The scripted search answers web_search, on the fetch below the capture: a search is a tool invocation.
    search: { ...scriptedSearch(), fetch: base.fetch },
    ...options,
    ports,
    providers: options.providers ?? [{ type: "scripted" }],
  });
  return { stack, calls, invocations, client: libraryClient(stack, testIdOf()) };
}

export function libraryClient(stack: Stack, testId: string): OpenAI {
  return new OpenAI({
    baseURL: "http://stack.local/v1",
    apiKey: "test-key",
    fetch: stack.fetch,
    maxRetries: 0,
    defaultHeaders: { "X-Test-Id": testId },
  });
}

export function httpClient(baseURL: string, testId: string): OpenAI {
  return new OpenAI({
    baseURL: `${baseURL}/v1`,
    apiKey: "test-key",
    maxRetries: 0,
    defaultHeaders: { "X-Test-Id": testId },
  });
}

export async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

export const MODEL = "scripted/assistant";

export const weatherTool = {
  type: "function" as const,
  name: "get_weather",
  description: "Get current temperature for a given location.",
  parameters: {
    type: "object",
    properties: { location: { type: "string", description: "City and country e.g. Bogotá, Colombia" } },
    required: ["location"],
    additionalProperties: false,
  },
  strict: null,
};

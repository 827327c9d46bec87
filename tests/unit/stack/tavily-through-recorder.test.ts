/**
 * web_search with the Tavily provider, on the real recorder, against a Tavily played by a
 * loopback server: the search is recorded as a tool invocation in Llama Stack's format
 * and only as that (the HTTP under it is not an inference recording), the key reaches no
 * file, and the recording replays offline, without a key, to the same response.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import OpenAI, { InternalServerError } from "openai";
import { createRecorder, currentTestId, testIdHeaders, toolRequestHash } from "../../../recorder/index.ts";
import { createStack } from "../../../stack/app.ts";
import { routeHosts } from "../../../stack/providers/route-hosts.ts";
import { createScriptedProvider } from "../../../stack/providers/scripted/handler.ts";
import { tavilySearch } from "../../../stack/tools/web-search/search-provider.ts";
import { UpstreamServer } from "../recorder/support/upstream-server.ts";
import { SCRIPTS_DIR, testIdOf } from "./helpers.ts";

const KEY = "tvly-dev-0123456789abcdefSECRET";
const QUERY = "Llama 4 Maverick model experts";
const request = {
  model: "scripted/assistant",
  input: "How many experts does the Llama 4 Maverick model have?",
  tools: [{ type: "web_search" as const }],
};

/** Tavily's answer, its keys in the order Tavily sends them. */
const TAVILY_ANSWER = {
  query: QUERY,
  follow_up_questions: null,
  answer: null,
  images: [],
  results: [
    {
      url: "https://www.llama.com/models/llama-4/",
      title: "Unmatched Performance and Efficiency | Llama 4",
      content: "Llama 4 Maverick \u2014 128 experts, 17B active parameters.",
      score: 0.629889,
      raw_content: null,
    },
  ],
  response_time: 1.23,
};

async function fakeTavily(status = 200): Promise<UpstreamServer> {
  const server = await new UpstreamServer().start();
  server.routes.set("POST /search", (_request, body, response) => {
    const { api_key: apiKey, query } = JSON.parse(body) as { api_key?: string; query?: string };
    const ok = status === 200 && apiKey === KEY && query === QUERY;
    response.writeHead(ok ? 200 : status === 200 ? 401 : status, { "content-type": "application/json" });
    response.end(
      JSON.stringify(ok ? TAVILY_ANSWER : { detail: { error: "Unauthorized: missing or invalid API key." } }),
    );
  });
  return server;
}

function recordedStack(
  mode: "record" | "replay",
  root: string,
  tavily: UpstreamServer | undefined,
  key?: string,
) {
  const env = key ? { TAVILY_SEARCH_API_KEY: key } : {};
  const scripted = createScriptedProvider({ scriptsDir: SCRIPTS_DIR, currentTestId });
  const upstream = routeHosts({ "scripted.local": scripted.fetch }, (input, init) => {
    if (mode === "replay") throw new Error("replay must not reach the network");
    return globalThis.fetch(input, init);
  });
  const recorder = createRecorder({ mode, recordingDir: root, env, upstream });
  const search = {
    ...tavilySearch({ ...env, TAVILY_BASE_URL: tavily?.baseUrl ?? "http://127.0.0.1:9" }),
    fetch: upstream,
  };
  const stack = createStack({ ports: recorder, providers: [{ type: "scripted" }], search });
  const client = new OpenAI({
    baseURL: "http://stack.local/v1",
    apiKey: "x",
    fetch: stack.fetch,
    defaultHeaders: testIdHeaders(testIdOf()),
    maxRetries: 0,
  });
  return { stack, client };
}

function recordingsIn(root: string): Array<{ name: string; text: string }> {
  const folder = join(root, "stack");
  return readdirSync(folder).map((name) => ({ name, text: readFileSync(join(folder, name), "utf8") }));
}

test("a Tavily search is recorded as a tool invocation only, without the key, and replays offline", async () => {
  const root = mkdtempSync(join(tmpdir(), "tavily-record-"));
  const tavily = await fakeTavily();
  try {
    const recording = recordedStack("record", root, tavily, KEY);
    const recorded = await recording.client.responses.create(request);
    recording.stack.close();
    expect(recorded.output.map((item) => item.type)).toEqual(["web_search_call", "message"]);
    expect(tavily.requests).toHaveLength(1);

    const files = recordingsIn(root);
    // Two inference calls and one tool invocation; Tavily's HTTP is not an inference recording.
    expect(files).toHaveLength(3);
    for (const file of files) expect(file.text).not.toContain(KEY);
    expect(files.some((file) => file.text.includes("api.tavily") || file.text.includes(tavily.baseUrl))).toBe(
      false,
    );
    const hash = toolRequestHash({ provider: "tavily", toolName: "web_search", kwargs: { query: QUERY } });
    const tool = JSON.parse(files.find((file) => file.name === `${hash}.json`)?.text ?? "null");
    expect(tool).toEqual({
      test_id: testIdOf(),
      request: { test_id: testIdOf(), provider: "tavily", tool_name: "web_search", kwargs: { query: QUERY } },
      response: {
        body: {
          __type__: "llama_stack.apis.tools.tools.ToolInvocationResult",
          __data__: {
            // Python's json.dumps: ", " and ": ", non-ASCII escaped, Tavily's key order.
            content:
              '{"query": "Llama 4 Maverick model experts", "top_k": [{"url": "https://www.llama.com/models/llama-4/", ' +
              '"title": "Unmatched Performance and Efficiency | Llama 4", "content": "Llama 4 Maverick \\u2014 128 experts, ' +
              '17B active parameters.", "score": 0.629889, "raw_content": null}]}',
            error_message: null,
            error_code: null,
            metadata: null,
          },
        },
        is_streaming: false,
      },
      id_normalization_mapping: {},
    });

    await tavily.stop();
    const replay = recordedStack("replay", root, undefined);
    try {
      const replayed = await replay.client.responses.create(request);
      expect(replayed.output).toEqual(recorded.output);
    } finally {
      replay.stack.close();
    }
  } finally {
    await tavily.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test("Tavily refusing the key is a failed web_search_call the model is told about; nothing of the search is recorded", async () => {
  const root = mkdtempSync(join(tmpdir(), "tavily-401-"));
  const tavily = await fakeTavily();
  try {
    const { stack, client } = recordedStack("record", root, tavily, "tvly-dev-a-wrong-key-00000");
    try {
      const response = await client.responses.create(request);
      expect(response.output.map((item) => [item.type, "status" in item && item.status])).toEqual([
        ["web_search_call", "failed"],
        ["message", "completed"],
      ]);
      const files = recordingsIn(root);
      expect(files.some((file) => file.text.includes('"tool_name": "web_search"'))).toBe(false);
      expect(
        files.some((file) => file.text.includes("Search provider 'tavily' answered 401: Unauthorized")),
      ).toBe(true);
    } finally {
      stack.close();
    }
  } finally {
    await tavily.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test("recording a search without TAVILY_SEARCH_API_KEY fails the response, saying what to set, and records nothing more", async () => {
  const root = mkdtempSync(join(tmpdir(), "tavily-nokey-"));
  const tavily = await fakeTavily();
  try {
    const { stack, client } = recordedStack("record", root, tavily);
    try {
      const error = await client.responses.create(request).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InternalServerError);
      expect((error as Error).message).toContain(
        "web_search needs TAVILY_SEARCH_API_KEY to search with 'tavily'",
      );
      expect(tavily.requests).toEqual([]);
      expect(recordingsIn(root)).toHaveLength(1);
    } finally {
      stack.close();
    }
  } finally {
    await tavily.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

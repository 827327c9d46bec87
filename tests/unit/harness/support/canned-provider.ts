/**
 * A live OpenAI-compatible provider on a loopback port, for running a suite in `live`
 * mode: it answers `POST /v1/chat/completions` (streamed or not) and `GET /v1/models`
 * over real HTTP and SSE, and Tavily's `POST /search` from the scripted searches recorded, with the scripted model's answers taken from a folder of
 * recordings (its own, not a real model's) and looked up by the conversation sent (messages and tools, else the last
 * message; the model and test id play no part, as they would not for a real model).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type InferenceRecording,
  isInferenceRecording,
  isToolRecording,
  RecordingStore,
  readRecordingFile,
  unwrapTyped,
} from "../../../../recorder/index.ts";

export interface CannedProvider {
  /** The provider's base URL, ending in `/v1`. */
  url: string;
  /** The chat completions and searches it answered. */
  answered: number;
  /** Its root, where Tavily's `/search` is (TAVILY_BASE_URL). */
  searchURL: string;
  close(): Promise<void>;
}

type Message = { tool_call_id?: unknown; tool_calls?: Array<{ id?: unknown }> };

/** Messages as a model reads them: the ids of tool calls are the caller's bookkeeping. */
const withoutCallIds = (messages: unknown[] = []) =>
  (messages as Message[]).map(({ tool_call_id: _, tool_calls, ...message }) => ({
    ...message,
    ...(tool_calls ? { tool_calls: tool_calls.map(({ id: _id, ...call }) => call) } : {}),
  }));

const conversationKey = (body: unknown) => {
  const { messages, tools } = body as { messages?: unknown[]; tools?: unknown };
  return JSON.stringify({ messages: withoutCallIds(messages), tools: tools ?? null });
};
const lastMessageKey = (body: unknown) => {
  const { messages, tools } = body as { messages?: unknown[]; tools?: unknown };
  return JSON.stringify({ last: withoutCallIds(messages).at(-1), tools: tools ?? null });
};

export async function startCannedProvider(recordingsDir: string): Promise<CannedProvider> {
  const store = new RecordingStore(recordingsDir);
  const recordings = store
    .listFiles()
    .map((file) => readRecordingFile(file, { preserveFloats: false }))
    .filter(
      (recording): recording is InferenceRecording =>
        !!recording &&
        isInferenceRecording(recording) &&
        recording.request.endpoint.endsWith("/chat/completions") &&
        recording.request.model.startsWith("scripted/"),
    );
  // Tests that open alike were scripted apart, and a live model answers alike. The answer
  // of the test with the most turns wins, so that its later turns are found; a later turn
  // that follows another answer still is, by its last message.
  const turns = new Map<string | null, number>();
  for (const recording of recordings)
    turns.set(recording.test_id ?? null, (turns.get(recording.test_id ?? null) ?? 0) + 1);
  recordings.sort((a, b) => (turns.get(a.test_id ?? null) ?? 0) - (turns.get(b.test_id ?? null) ?? 0));
  const answers = new Map<string, InferenceRecording["response"]>();
  const byLastMessage = new Map<string, InferenceRecording["response"]>();
  for (const recording of recordings) {
    answers.set(conversationKey(recording.request.body), recording.response);
    byLastMessage.set(lastMessageKey(recording.request.body), recording.response);
  }

  // Tavily's answer to a query, rebuilt from the scripted search's recorded result text.
  const searches = new Map<string, unknown>();
  for (const file of store.listFiles()) {
    const recording = readRecordingFile(file, { preserveFloats: false });
    if (!recording || !isToolRecording(recording) || recording.request.tool_name !== "web_search") continue;
    const { content } = unwrapTyped(recording.response.body) as { content?: unknown };
    if (typeof content !== "string") continue;
    const { query, top_k } = JSON.parse(content) as { query: unknown; top_k: unknown };
    searches.set(String(recording.request.kwargs.query), { query, results: top_k });
  }

  const provider = { url: "", searchURL: "", answered: 0, close: async () => {} };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: error.message, type: "server_error" } }));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    if (request.method === "GET" && request.url?.endsWith("/models")) {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ object: "list", data: [] }));
      return;
    }
    let text = "";
    for await (const chunk of request) text += chunk;
    if (request.url === "/search") {
      const { query } = JSON.parse(text) as { query?: unknown };
      const found = searches.get(String(query));
      if (found) provider.answered++;
      response.writeHead(found ? 200 : 404, { "content-type": "application/json" });
      response.end(
        JSON.stringify(found ?? { detail: { error: `No canned search for ${JSON.stringify(query)}.` } }),
      );
      return;
    }
    const body = JSON.parse(text) as { model: string; stream?: boolean };
    const answer = answers.get(conversationKey(body)) ?? byLastMessage.get(lastMessageKey(body));
    if (!answer || !request.url?.endsWith("/chat/completions")) {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          error: { message: "No canned answer for this conversation.", type: "invalid_request_error" },
        }),
      );
      return;
    }
    provider.answered++;
    const withModel = (data: unknown) => ({ ...(unwrapTyped(data) as object), model: body.model });
    if (answer.is_exception) {
      response.writeHead(answer.status ?? 500, { "content-type": "application/json" });
      response.end(JSON.stringify(answer.body));
    } else if (body.stream) {
      response.writeHead(200, { "content-type": "text/event-stream" });
      for (const chunk of answer.body as unknown[]) {
        const data =
          typeof chunk === "object" && chunk !== null && !("__type__" in chunk) ? chunk : withModel(chunk);
        response.write(`data: ${JSON.stringify(data)}\n\n`);
      }
      response.end("data: [DONE]\n\n");
    } else {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(withModel(answer.body)));
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  provider.searchURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider.url = `${provider.searchURL}/v1`;
  provider.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return provider;
}

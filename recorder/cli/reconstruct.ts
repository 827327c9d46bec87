/**
 * What the official openai SDK gets back when a recording is replayed through the
 * recorder: the proof, file by file, that a recording is usable as it stands. Each file
 * answers only its own request (under either scheme's hash), whatever the file is called.
 */
import { dirname } from "node:path";
import OpenAI from "openai";
import { ApiRecorder } from "../api-recorder.ts";
import { recordingHash } from "../hashing/recording-hash.ts";
import { HASH_SCHEMES, type HashScheme } from "../hashing/schemes.ts";
import { accumulateChatStream } from "../http/chat-stream.ts";
import { endpointKind } from "../http/endpoints.ts";
import { parseJsonOrText } from "../http/fetch-request.ts";
import { RecordedExceptionError } from "../http/recorded-error.ts";
import { type FoundRecording, RecordingStore } from "../storage/recording-store.ts";
import { type Recording, recordingKind, testIdOf } from "../storage/recording-types.ts";

export type Reconstruction = Record<string, unknown>;

/** A store of one recording, found under the hashes of the request it holds and nothing else. */
class SingleRecordingStore extends RecordingStore {
  readonly #found: FoundRecording;
  readonly #hashes: ReadonlySet<string | undefined>;

  constructor(file: string, recording: Recording) {
    super(dirname(file));
    this.#found = { file, recording };
    // As Python hashed it (`0.0` a float), and as a JavaScript client sends it (`0`).
    const asSent = JSON.parse(JSON.stringify(recording)) as Recording;
    this.#hashes = new Set(
      HASH_SCHEMES.flatMap((scheme) => [recordingHash(recording, scheme), recordingHash(asSent, scheme)]),
    );
  }

  override find(hash: string): FoundRecording | undefined {
    return this.#hashes.has(hash) ? this.#found : undefined;
  }

  override findModelLists(hash: string): FoundRecording[] {
    return this.#hashes.has(hash) ? [this.#found] : [];
  }

  override listFiles(): string[] {
    return [];
  }

  override recordingsOf(): string[] {
    return [];
  }

  override write(): string {
    throw new Error("replaying a recording writes nothing");
  }
}

export async function reconstruct(
  file: string,
  recording: Recording,
  hashScheme: HashScheme,
): Promise<Reconstruction> {
  const recorder = new ApiRecorder({
    mode: "replay",
    hashScheme,
    env: {},
    store: new SingleRecordingStore(file, recording),
  });
  return recorder.withTestId(testIdOf(recording) ?? undefined, () => replayThroughSdk(recorder, recording));
}

async function replayThroughSdk(recorder: ApiRecorder, recording: Recording): Promise<Reconstruction> {
  const request = recording.request as unknown as Record<string, unknown>;
  switch (recordingKind(recording)) {
    case "file-processor":
      return { skipped: "a file-processor recording: OGX no longer records or replays these" };
    case "tool": {
      const body = await recorder.invokeTool(
        String(request.provider),
        String(request.tool_name),
        request.kwargs as Record<string, unknown>,
        () => {
          throw new Error("the recording did not answer the tool invocation");
        },
      );
      return { body };
    }
    case "http":
      return rawRequest(recorder, String(request.url), String(request.method), request.payload);
    default: {
      const url = String(request.url);
      const endpoint = String(request.endpoint);
      const kind = endpointKind(endpoint);
      // A model list Python asked for with SDK arguments (`extra_query`) has no SDK call here that sends them.
      const sdkCall =
        SDK_KINDS.has(kind) && !(kind === "models" && Object.keys(request.body ?? {}).length > 0);
      return sdkCall
        ? inferenceThroughSdk(recorder, url, endpoint, request.body)
        : rawRequest(recorder, url, String(request.method), request.body);
    }
  }
}

/** What the openai SDK calls; other endpoints (Ollama's own API, Google's) replay as plain requests. */
const SDK_KINDS: ReadonlySet<string> = new Set(["chat", "completions", "embeddings", "models"]);

/** A request sent as it is, JSON in and out: a raw HTTP request (OGX's rerank and passthroughs), or another API's call. */
async function rawRequest(recorder: ApiRecorder, url: string, method: string, payload: unknown) {
  let response: Response;
  try {
    response = await recorder.fetch(url, {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
  } catch (error) {
    if (error instanceof RecordedExceptionError) return { api_error: { raised: error.message } };
    throw error;
  }
  const text = await response.text();
  if ((response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    return { status: response.status, lines: text.split("\n").filter(Boolean).length };
  }
  return { status: response.status, body: parseJsonOrText(text) };
}

async function inferenceThroughSdk(
  recorder: ApiRecorder,
  url: string,
  endpoint: string,
  body: unknown,
): Promise<Reconstruction> {
  const kind = endpointKind(endpoint);
  const pathStart = url.lastIndexOf(endpoint.replace(/^\/v1/, ""));
  const client = new OpenAI({
    apiKey: "replay",
    baseURL: url.slice(0, pathStart),
    fetch: recorder.fetch,
    maxRetries: 0,
  });
  try {
    if (kind === "chat") return await chatCompletion(client, body as OpenAI.ChatCompletionCreateParams);
    if (kind === "embeddings") return await embeddings(client, body as OpenAI.EmbeddingCreateParams);
    if (kind === "models") return { models: (await client.models.list()).data.map((model) => model.id) };
    if (kind === "completions") return await completion(client, body as OpenAI.CompletionCreateParams);
    throw new Error(
      `replay supports chat completions, completions, embeddings, model lists, tools and raw HTTP requests, not ${endpoint}`,
    );
  } catch (error) {
    // A recorded error replays as what the SDK raises: that is the recording working.
    if (error instanceof OpenAI.APIError && error.status !== undefined) {
      return { api_error: { class: error.constructor.name, status: error.status, message: error.message } };
    }
    // A recorded exception without an HTTP answer reaches the SDK as the cause of its connection error.
    const cause = (error as Error).cause;
    if (cause instanceof RecordedExceptionError) return { api_error: { raised: cause.message } };
    throw error;
  }
}

async function chatCompletion(
  client: OpenAI,
  params: OpenAI.ChatCompletionCreateParams,
): Promise<Reconstruction> {
  if (!params.stream) {
    const completion = await client.chat.completions.create(params);
    const choice = completion.choices[0];
    return {
      content: choice?.message.content ?? null,
      tool_calls: (choice?.message.tool_calls ?? []).flatMap((call) =>
        call.type === "function"
          ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }]
          : [],
      ),
      finish_reason: choice?.finish_reason ?? null,
    };
  }
  const chunks: unknown[] = [];
  try {
    for await (const chunk of await client.chat.completions.create(params)) chunks.push(chunk);
  } catch (error) {
    // A stream that failed midway: what arrived, then the error the SDK raised.
    if (!(error instanceof OpenAI.APIError) || chunks.length === 0) throw error;
    const { content } = accumulateChatStream(chunks);
    return { content, api_error: { class: error.constructor.name, message: error.message } };
  }
  const { content, tool_calls, finish_reason } = accumulateChatStream(chunks);
  return { content, tool_calls, finish_reason };
}

async function completion(client: OpenAI, params: OpenAI.CompletionCreateParams): Promise<Reconstruction> {
  if (!params.stream) {
    const answer = await client.completions.create(params);
    return { text: answer.choices[0]?.text ?? null, finish_reason: answer.choices[0]?.finish_reason ?? null };
  }
  let text = "";
  let finish: string | null = null;
  for await (const chunk of await client.completions.create(params)) {
    text += chunk.choices[0]?.text ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  return { text, finish_reason: finish };
}

async function embeddings(client: OpenAI, params: OpenAI.EmbeddingCreateParams): Promise<Reconstruction> {
  // The SDK asks for base64 itself when no format is given, and then decodes it: that
  // path sends the same body, and hands back floats like the `float` format does.
  const { encoding_format, ...rest } = params;
  const response = await client.embeddings.create(encoding_format === "base64" ? rest : params);
  const first = response.data[0]?.embedding;
  return { count: response.data.length, dims: first?.length ?? 0 };
}

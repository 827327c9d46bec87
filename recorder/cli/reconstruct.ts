/**
 * What the official openai SDK gets back when a recording is replayed through the
 * recorder: the proof, file by file, that a recording is usable as it stands.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import OpenAI from "openai";
import { ApiRecorder } from "../api-recorder.ts";
import { accumulateChatStream } from "../http/chat-stream.ts";
import { endpointKind } from "../http/endpoints.ts";
import { isToolRecording, type Recording } from "../storage/recording-file.ts";
import { suiteOfTestId } from "../storage/recording-store.ts";
import { recomputedHash } from "./inspect.ts";

export type Reconstruction = Record<string, unknown>;

/** Replays `recording` (read from `file`) in a private folder, so nothing else can answer for it. */
export async function reconstruct(file: string, recording: Recording): Promise<Reconstruction> {
  const root = mkdtempSync(join(tmpdir(), "recordings-replay-"));
  try {
    const folder = join(root, suiteOfTestId(recording.test_id));
    mkdirSync(folder, { recursive: true });
    // Under the name the recorder will look for, whatever the file is called now.
    const hash = recomputedHash(recording);
    const name = basename(file).startsWith(`models-${hash}-`) ? basename(file) : `${hash}.json`;
    copyFileSync(file, join(folder, name));
    const recorder = new ApiRecorder({ mode: "replay", recordingDir: root, env: {} });
    return await recorder.withTestId(recording.test_id ?? undefined, () =>
      replayThroughSdk(recorder, recording),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function replayThroughSdk(recorder: ApiRecorder, recording: Recording): Promise<Reconstruction> {
  if (isToolRecording(recording)) {
    const { provider, tool_name, kwargs } = recording.request;
    const body = await recorder.invokeTool(provider, tool_name, kwargs, () => {
      throw new Error("the recording did not answer the tool invocation");
    });
    return { body };
  }
  const { url, endpoint, body } = recording.request;
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
    throw new Error(`replay supports chat completions, embeddings, model lists and tools, not ${endpoint}`);
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status !== undefined) {
      return { error: { class: error.constructor.name, status: error.status, message: error.message } };
    }
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
  for await (const chunk of await client.chat.completions.create(params)) chunks.push(chunk);
  const { content, tool_calls, finish_reason } = accumulateChatStream(chunks);
  return { content, tool_calls, finish_reason };
}

async function embeddings(client: OpenAI, params: OpenAI.EmbeddingCreateParams): Promise<Reconstruction> {
  // The SDK asks for base64 itself when no format is given, and then decodes it: that
  // path sends the same body, and hands back floats like the `float` format does.
  const { encoding_format, ...rest } = params;
  const response = await client.embeddings.create(encoding_format === "base64" ? rest : params);
  const first = response.data[0]?.embedding;
  return { count: response.data.length, dims: first?.length ?? 0 };
}

/**
 * Llama Stack 0.2's own recordings of its file_search tests (copied unchanged into
 * tests/unit/fixtures/llama-stack/), replayed under their Python test ids with the stack
 * on the real recorder: a request of ours replays only if it normalizes to the very
 * bytes Llama Stack sent, so these tests prove that the stack sends the same chunk
 * texts, tool definition and tool results upstream.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import {
  accumulateChatStream,
  createRecorder,
  testIdHeaders,
  unwrapTyped,
} from "../../../../recorder/index.ts";
import { createStack, type Stack } from "../../../../stack/app.ts";
import type { ProviderConfig } from "../../../../stack/providers/registry.ts";
import { REPO_ROOT } from "../helpers.ts";

export const FIXTURES = join(REPO_ROOT, "tests/unit/fixtures/llama-stack");
const RECORDINGS = join(FIXTURES, "recordings");

// Llama Stack's OpenAI base URL ends in /v1 and the endpoint repeats it: the recorded path is /v1/v1/….
const providers: ProviderConfig[] = [
  {
    type: "openai-compatible",
    id: "openai",
    baseURL: "https://api.openai.com/v1/v1",
    apiKey: "sk-ci-fake-key",
  },
];

export const EMBEDDING = { embedding_model: "openai/text-embedding-3-small", embedding_dimension: 1536 };

export interface RecordedChat {
  file: string;
  messages: Array<Record<string, unknown>>;
  tools: unknown;
  response: ReturnType<typeof accumulateChatStream>;
}

interface RawRecording {
  test_id?: string;
  request: {
    endpoint: string;
    body: { messages?: Array<Record<string, unknown>>; tools?: unknown; input?: unknown };
  };
  response: { body: unknown };
}

function recordingsOf(testId: string): Array<{ file: string; recording: RawRecording }> {
  return readdirSync(RECORDINGS)
    .map((file) => ({
      file,
      recording: JSON.parse(readFileSync(join(RECORDINGS, file), "utf8")) as RawRecording,
    }))
    .filter(({ recording }) => recording.test_id === testId);
}

/** The test's chat calls, in the order of their message counts. */
export function recordedChats(testId: string): RecordedChat[] {
  return recordingsOf(testId)
    .filter(({ recording }) => recording.request.endpoint === "/v1/chat/completions")
    .map(({ file, recording }) => ({
      file,
      messages: recording.request.body.messages ?? [],
      tools: recording.request.body.tools,
      response: accumulateChatStream(recording.response.body as unknown[]),
    }))
    .sort((a, b) => a.messages.length - b.messages.length);
}

/** The inputs of the test's embeddings calls. */
export function recordedEmbeddingInputs(testId: string): string[][] {
  return recordingsOf(testId)
    .filter(({ recording }) => recording.request.endpoint === "/v1/embeddings")
    .map(({ recording }) => recording.request.body.input as string[]);
}

/** The embedding vectors a recording of the test returned for `text`. */
export function recordedEmbedding(testId: string, text: string): number[] {
  for (const { recording } of recordingsOf(testId)) {
    if (recording.request.endpoint !== "/v1/embeddings") continue;
    const inputs = recording.request.body.input as string[];
    const at = inputs.indexOf(text);
    if (at < 0) continue;
    const body = unwrapTyped(recording.response.body) as { data: Array<{ embedding: number[] }> };
    return body.data[at]?.embedding ?? [];
  }
  throw new Error(`No embeddings recording of '${testId}' holds ${JSON.stringify(text)}.`);
}

export interface ReplayingStack {
  stack: Stack;
  client: OpenAI;
  close(): void;
}

/** The stack on a recorder that replays only Llama Stack's recordings, and a client bound to `testId`. */
export function replayingStack(testId: string): ReplayingStack {
  const root = mkdtempSync(join(tmpdir(), "llama-stack-replay-"));
  mkdirSync(join(root, "responses"));
  for (const file of readdirSync(RECORDINGS))
    copyFileSync(join(RECORDINGS, file), join(root, "responses", file));
  const recorder = createRecorder({
    mode: "replay",
    recordingDir: root,
    env: {},
    upstream: async () => {
      throw new Error("replay must not reach OpenAI");
    },
  });
  const stack = createStack({ ports: recorder, providers });
  const client = new OpenAI({
    baseURL: "http://stack.local/v1",
    apiKey: "x",
    fetch: stack.fetch,
    defaultHeaders: testIdHeaders(testId),
    maxRetries: 0,
  });
  return {
    stack,
    client,
    close: () => {
      stack.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Floats inside strings rounded to 5 places, as the request hash sees them. */
export function normalizeFloats(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replace(/-?\d+\.\d{4,}/g, (number) => Number(number).toFixed(5)));
}

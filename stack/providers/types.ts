import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from "openai/resources/embeddings";
import type { ChatRequest } from "../responses/to-chat.ts";

/** An inference backend that speaks (streamed) chat completions. */
export interface InferenceProvider {
  /** The prefix that routes a model to it: `openai` for `openai/gpt-4o`. */
  readonly id: string;
  /** Model ids, prefix included, listed at `GET /v1/models`. */
  readonly models: readonly string[];
  /** The model name upstream expects for a stack model id. */
  upstreamModel(modelId: string): string;
  /** Starts one streamed chat completion; rejects with the SDK's `APIError` on an HTTP error. */
  streamChat(request: ChatRequest, signal?: AbortSignal): Promise<AsyncIterable<ChatCompletionChunk>>;
  /**
   * One `/v1/embeddings` call, the body sent as given (with `model` already the upstream
   * name); rejects with the SDK's `APIError` on an HTTP error.
   */
  embed(params: EmbeddingCreateParams, signal?: AbortSignal): Promise<CreateEmbeddingResponse>;
}

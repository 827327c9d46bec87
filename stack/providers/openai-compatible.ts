/**
 * Any server with OpenAI's chat-completions (and embeddings) endpoints: OpenAI itself, Ollama's and vLLM's
 * `/v1`, and the scripted provider. Talks through the official SDK with the fetch from
 * the ports, so the recorder sees every byte; the SDK's own retries are off because a
 * retry would be a second, unrecorded request.
 */
import OpenAI from "openai";
import type { ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import type { UpstreamFetch } from "../ports.ts";
import type { InferenceProvider } from "./types.ts";

export interface OpenAICompatibleConfig {
  type: "openai-compatible";
  id: string;
  baseURL: string;
  apiKey?: string;
  /** Model ids to list at `/v1/models`, with the provider prefix (`openai/gpt-4o`). */
  models?: string[];
  /**
   * Ask for a final usage chunk (`stream_options.include_usage`). Off by default, so the
   * stack sends the very body Llama Stack's meta-reference sends (a recording's hash is
   * taken over the body); the test harness's setups turn it on, since users expect
   * `usage` in every response.
   */
  includeUsage?: boolean;
  /** Send `openai/gpt-4o` upstream as is instead of `gpt-4o`. */
  keepModelPrefix?: boolean;
}

export function createOpenAICompatibleProvider(
  config: OpenAICompatibleConfig,
  fetch: UpstreamFetch,
): InferenceProvider {
  const client = new OpenAI({
    baseURL: config.baseURL,
    apiKey: config.apiKey ?? "no-key",
    fetch,
    maxRetries: 0,
  });
  const prefix = `${config.id}/`;
  return {
    id: config.id,
    models: config.models ?? [],
    upstreamModel: (modelId) =>
      !config.keepModelPrefix && modelId.startsWith(prefix) ? modelId.slice(prefix.length) : modelId,
    streamChat: async (request, signal) => {
      const params = config.includeUsage ? { ...request, stream_options: { include_usage: true } } : request;
      // Our tool shape carries Llama Stack's extra `function.type`, which the SDK's type lacks.
      return client.chat.completions.create(params as ChatCompletionCreateParamsStreaming, { signal });
    },
    embed: (params, signal) =>
      // Left to itself the SDK asks for base64 and decodes it; the stack says which it wants,
      // as Llama Stack does (`"encoding_format": "float"` is part of its recorded bodies).
      client.embeddings.create({ ...params, encoding_format: params.encoding_format ?? "float" }, { signal }),
  };
}

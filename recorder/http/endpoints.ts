/**
 * What the recorder knows about the APIs it records: which Python type Llama Stack
 * stores each body as (so either side can load the other's files), and how ids and
 * timestamps are normalized so that re-recording changes as little as possible.
 */
import { MODEL_LIST_ENDPOINTS, urlPath } from "../request-hash.ts";

export type EndpointKind = "chat" | "completions" | "embeddings" | "models" | "responses" | "other";

export function endpointKind(endpoint: string): EndpointKind {
  if (MODEL_LIST_ENDPOINTS.has(endpoint)) return "models";
  if (endpoint.endsWith("/chat/completions")) return "chat";
  if (endpoint.endsWith("/completions")) return "completions";
  if (endpoint.endsWith("/embeddings")) return "embeddings";
  if (endpoint.endsWith("/responses")) return "responses";
  return "other";
}

/**
 * The logical endpoint stored beside the URL. Llama Stack stores OpenAI URLs with a
 * doubled `/v1` (its base URL ends in /v1 and the endpoint repeats it) but the
 * endpoint once.
 */
export function logicalEndpoint(url: string): string {
  const path = urlPath(url);
  return path.startsWith("/v1/v1/") ? path.slice(3) : path;
}

// The OpenAI client methods Llama Stack's recorder patches, by the path the SDK appends to its base URL.
const PATCHED_RESOURCES = /^(.*?)(\/(?:chat\/completions|completions|embeddings))$/;

/**
 * The URL Llama Stack's recorder (0.2 and OGX 0.8 alike) files an OpenAI client's call
 * under, and hashes: the client's base URL plus the method's endpoint, `/v1/chat/completions`
 * and so on. OpenAI-style base URLs end in /v1, so the path holds it twice:
 * `https://api.openai.com/v1/chat/completions` → `https://api.openai.com/v1/v1/chat/completions`.
 * Undefined for anything else, or for a URL that is in that form already.
 */
export function llamaStackUrl(url: string): string | undefined {
  const [beforeQuery = "", query] = url.split(/(?=[?#])/, 2);
  const match = PATCHED_RESOURCES.exec(beforeQuery);
  if (!match || urlPath(url).startsWith("/v1/v1/")) return undefined;
  return `${match[1]}/v1${match[2]}${query ?? ""}`;
}

const OPENAI_TYPES = "openai.types";
const TYPE_OF_BODY: Partial<Record<EndpointKind, string>> = {
  chat: `${OPENAI_TYPES}.chat.chat_completion.ChatCompletion`,
  completions: `${OPENAI_TYPES}.completion.Completion`,
  embeddings: `${OPENAI_TYPES}.create_embedding_response.CreateEmbeddingResponse`,
  responses: `${OPENAI_TYPES}.responses.response.Response`,
};
const TYPE_OF_CHUNK: Partial<Record<EndpointKind, string>> = {
  chat: `${OPENAI_TYPES}.chat.chat_completion_chunk.ChatCompletionChunk`,
  completions: `${OPENAI_TYPES}.completion.Completion`,
};
export const MODEL_TYPE = `${OPENAI_TYPES}.model.Model`;
export const OLLAMA_LIST_TYPE = "ollama._types.ListResponse";

/** The openai-python module and class of a Responses streaming event, from its `type`. */
function responsesEventType(eventType: string): string | undefined {
  if (!/^response\.[a-z_.]+$/.test(eventType))
    return eventType === "error" ? responsesEventType("response.error") : undefined;
  // openai-python names the output_text events after "text".
  const name = eventType.replace("response.output_text.", "response.text.");
  const module = `${name.replaceAll(".", "_")}_event`;
  const className = `${module
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("")}`;
  return `${OPENAI_TYPES}.responses.${module}.${className}`;
}

export interface TypedObject {
  __type__: string;
  __data__: unknown;
}

export function isTypedObject(value: unknown): value is TypedObject {
  return typeof value === "object" && value !== null && "__type__" in value && "__data__" in value;
}

export function unwrapTyped(value: unknown): unknown {
  return isTypedObject(value) ? value.__data__ : value;
}

function typed(type: string | undefined, data: unknown): unknown {
  return type ? { __type__: type, __data__: data } : data;
}

export function wrapBody(kind: EndpointKind, data: unknown): unknown {
  return typed(TYPE_OF_BODY[kind], data);
}

export function wrapChunk(kind: EndpointKind, data: unknown): unknown {
  // A provider's mid-stream `{"error": …}` is no chunk: kept plain, so that Python loads it as data.
  if (
    typeof data === "object" &&
    data !== null &&
    "error" in data &&
    !("choices" in data) &&
    !("type" in data)
  ) {
    return data;
  }
  if (kind === "responses") {
    const eventType = (data as { type?: unknown } | null)?.type;
    return typed(typeof eventType === "string" ? responsesEventType(eventType) : undefined, data);
  }
  return typed(TYPE_OF_CHUNK[kind], data);
}

const OLLAMA_DURATIONS = ["total_duration", "load_duration", "prompt_eval_duration", "eval_duration"];

/** Inference results whose ids and timestamps nobody sends back upstream. */
const NORMALIZED_KINDS: ReadonlySet<EndpointKind> = new Set(["chat", "completions", "embeddings"]);

/**
 * Llama Stack's normalization, on the top level of each inference object: `id` becomes
 * `rec-<hash[:12]>` and timestamps the epoch, except for model objects whose id is the
 * model's name. Applied in record mode before the caller sees the data, so record and
 * replay hand the stack identical bytes. Other APIs (a Responses API recorded at the
 * client) keep their ids: a caller sends them back (`previous_response_id`).
 */
export function normalizeIdsAndTimes(kind: EndpointKind, data: unknown, hash: string): unknown {
  if (!NORMALIZED_KINDS.has(kind) || typeof data !== "object" || data === null || Array.isArray(data))
    return data;
  const record = { ...(data as Record<string, unknown>) };
  const isModel = record.object === "model";
  if ("id" in record && !isModel) record.id = `rec-${hash.slice(0, 12)}`;
  if ("created" in record && !isModel) record.created = 0;
  if ("created_at" in record) {
    record.created_at = typeof record.created_at === "number" ? 0 : "1970-01-01T00:00:00.000000Z";
  }
  for (const field of OLLAMA_DURATIONS) {
    if (record[field] !== undefined && record[field] !== null) record[field] = 0;
  }
  return record;
}

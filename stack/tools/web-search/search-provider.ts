/**
 * A web search backend that answers like Tavily's `POST /search` (Llama Stack's
 * `tavily-search` tool runtime): Tavily itself, or the scripted provider's search at
 * `http://scripted.local`. The result is what Llama Stack's runtime makes of Tavily's
 * answer, byte for byte: `json.dumps({"query": …, "top_k": results})`, in Python's
 * spelling, since the model reads that text and the next request's hash covers it.
 *
 * Its HTTP goes through the fetch it is given, which must not be the recording one: the
 * search is recorded as a tool invocation (`invokeTool`), not as the HTTP under it.
 */
import { parsePreservingFloats, pythonJsonDumps } from "../../../recorder/index.ts";
import { ScriptError } from "../../providers/scripted/script.ts";
import { type TypedToolInvocationResult, toolInvocationResult } from "../tool-result.ts";
import type { SearchProviderConfig } from "./search-config.ts";

/** The search provider answered with an error, or could not be reached: the model is told. */
export class SearchFailure extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SearchFailure";
  }
}

export interface SearchProvider {
  readonly id: string;
  /** Rejects with a SearchFailure for the provider's failures; anything else is the stack's. */
  search(query: string, signal?: AbortSignal): Promise<TypedToolInvocationResult>;
}

interface TavilyAnswer {
  query?: unknown;
  results?: unknown;
}

export function createSearchProvider(config: SearchProviderConfig): SearchProvider {
  const fetch = config.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const url = `${config.baseURL.replace(/\/+$/, "")}/search`;
  return {
    id: config.id,
    search: async (query, signal) => {
      if (config.apiKeyEnv && !config.apiKey) {
        // Not the provider's answer but the stack's setup: fail the response, tell the model nothing.
        throw new Error(
          `web_search needs ${config.apiKeyEnv} to search with '${config.id}' (replaying recorded searches needs no key): export it, or put it in .env.`,
        );
      }
      const timeout = AbortSignal.timeout(config.timeoutMs ?? 30_000);
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ...(config.apiKey ? { api_key: config.apiKey } : {}), query }),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        if (error instanceof ScriptError || signal?.aborted) throw error;
        const reason = timeout.aborted
          ? `no answer within ${config.timeoutMs ?? 30_000} ms`
          : errorText(error);
        throw new SearchFailure(`Search provider '${config.id}' could not be reached: ${reason}`, {
          cause: error,
        });
      }
      const text = await response.text();
      if (!response.ok) {
        throw new SearchFailure(
          `Search provider '${config.id}' answered ${response.status}: ${errorDetail(text)}`,
        );
      }
      let answer: TavilyAnswer;
      try {
        answer = parsePreservingFloats(text) as TavilyAnswer;
      } catch {
        throw new SearchFailure(`Search provider '${config.id}' answered with something other than JSON.`);
      }
      return toolInvocationResult(pythonJsonDumps({ query: answer.query, top_k: answer.results }));
    },
  };
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { detail?: { error?: unknown } | unknown; error?: unknown };
    const detail = body.detail;
    if (detail && typeof detail === "object" && "error" in detail) return String(detail.error);
    if (typeof detail === "string") return detail;
    if (typeof body.error === "string") return body.error;
  } catch {
    // Not JSON: the text itself says it.
  }
  return text.slice(0, 300) || "(no body)";
}

export { type SearchProviderConfig, scriptedSearch, tavilySearch } from "./search-config.ts";

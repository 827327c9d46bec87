/**
 * Which web search a stack uses, as configuration only: the setups in the harness's
 * catalog name one without loading the search itself (search-provider.ts), which a
 * Playwright config, evaluated by every process of a run, has no use for.
 */
import type { UpstreamFetch } from "../../ports.ts";

export interface SearchProviderConfig {
  /** The provider's name in tool recordings: `tavily`, as in Llama Stack's; `scripted` for scripts. */
  id: string;
  /** Tavily's API root (`https://api.tavily.com`), or a server that answers like it. */
  baseURL: string;
  apiKey?: string | undefined;
  /** The variable that holds the key, named when a search needs one and it is not set. */
  apiKeyEnv?: string;
  /** The network (and `scripted.local`), not the recorder: default `globalThis.fetch`. */
  fetch?: UpstreamFetch;
  /** How long one search may take (default 30 s). */
  timeoutMs?: number;
}

/** Tavily as Llama Stack's `tavily-search` runtime uses it; the key from TAVILY_SEARCH_API_KEY. */
export function tavilySearch(env: Record<string, string | undefined>): SearchProviderConfig {
  return {
    id: "tavily",
    baseURL: env.TAVILY_BASE_URL || "https://api.tavily.com",
    apiKey: env.TAVILY_SEARCH_API_KEY || undefined,
    apiKeyEnv: "TAVILY_SEARCH_API_KEY",
  };
}

/** The scripted provider's search, named `scripted` in its recordings so they never pass for Tavily's. */
export function scriptedSearch(): SearchProviderConfig {
  return { id: "scripted", baseURL: "http://scripted.local" };
}

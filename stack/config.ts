/**
 * Inference providers from the environment, for the server process. The scripted
 * provider is always there (it costs nothing and needs no key); the others appear when
 * their variables are set, under Llama Stack's names for them.
 */
import type { ProviderConfig } from "./providers/registry.ts";
import {
  type SearchProviderConfig,
  scriptedSearch,
  tavilySearch,
} from "./tools/web-search/search-provider.ts";

/**
 * Where `web_search` searches: Tavily when TAVILY_SEARCH_API_KEY is set, else the scripted
 * search when the scripted provider has scripts, else nowhere (web_search is refused).
 */
export function searchFromEnv(
  env: NodeJS.ProcessEnv,
  scriptsDir: string | undefined,
): SearchProviderConfig | undefined {
  if (env.TAVILY_SEARCH_API_KEY) return tavilySearch(env);
  return scriptsDir ? scriptedSearch() : undefined;
}

export function providersFromEnv(env: NodeJS.ProcessEnv = process.env): ProviderConfig[] {
  const includeUsage = env.STACK_INCLUDE_USAGE === "1" || env.STACK_INCLUDE_USAGE === "true";
  // Extra model ids to list at /v1/models, e.g. `openai/gpt-4o,ollama/llama3.2:3b`.
  const listed = (env.STACK_MODELS ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  const models = (id: string, defaults: string[] = []) => [
    ...defaults,
    ...listed.filter((model) => model.startsWith(`${id}/`) && !defaults.includes(model)),
  ];

  const providers: ProviderConfig[] = [
    {
      type: "scripted",
      models: models("scripted", ["scripted/assistant", "scripted/embedding"]),
      includeUsage,
    },
  ];
  if (env.OPENAI_API_KEY) {
    providers.push({
      type: "openai-compatible",
      id: "openai",
      baseURL: env.OPENAI_BASE_URL || "https://api.openai.com/v1",
      apiKey: env.OPENAI_API_KEY,
      models: models("openai"),
      includeUsage,
    });
  }
  if (env.OLLAMA_URL) {
    providers.push({
      type: "openai-compatible",
      id: "ollama",
      baseURL: `${env.OLLAMA_URL.replace(/\/+$/, "")}/v1`,
      apiKey: "ollama",
      models: models("ollama"),
      includeUsage,
    });
  }
  if (env.VLLM_URL) {
    providers.push({
      type: "openai-compatible",
      id: "vllm",
      baseURL: env.VLLM_URL,
      apiKey: env.VLLM_API_TOKEN || "no-key",
      models: models("vllm"),
      includeUsage,
    });
  }
  return providers;
}

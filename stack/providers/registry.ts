/**
 * Routes a model id to its provider by prefix: `openai/gpt-4o` → provider `openai`,
 * `vllm/meta-llama/Llama-3.1-8B` → provider `vllm`.
 */
import { invalidParameter, notFound } from "../errors.ts";
import type { UpstreamFetch } from "../ports.ts";
import { createOpenAICompatibleProvider, type OpenAICompatibleConfig } from "./openai-compatible.ts";
import { SCRIPTED_EMBEDDING_MODEL } from "./scripted/embedding.ts";
import type { InferenceProvider } from "./types.ts";

/** Where the stack expects the scripted provider; the ports' fetch routes this host to it. */
export const SCRIPTED_BASE_URL = "http://scripted.local/v1";

/**
 * The scripted provider, as the stack sees it: an OpenAI-compatible server at
 * `scripted.local` whose model ids keep their `scripted/` prefix upstream, so that its
 * recordings always name it.
 */
export interface ScriptedConfig {
  type: "scripted";
  id?: string;
  models?: string[];
  includeUsage?: boolean;
}

export type ProviderConfig = OpenAICompatibleConfig | ScriptedConfig;

export interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

export class ProviderRegistry {
  readonly #providers = new Map<string, InferenceProvider>();

  constructor(configs: ProviderConfig[], fetch: UpstreamFetch) {
    for (const config of configs) {
      const provider = createOpenAICompatibleProvider(expand(config), fetch);
      if (this.#providers.has(provider.id))
        throw new Error(`Two inference providers have the id '${provider.id}'.`);
      this.#providers.set(provider.id, provider);
    }
  }

  /** The provider for a model id, or a 400 on `model` that says which prefixes exist. */
  resolve(modelId: string): InferenceProvider {
    const slash = modelId.indexOf("/");
    const provider = slash > 0 ? this.#providers.get(modelId.slice(0, slash)) : undefined;
    if (provider) return provider;
    const known = [...this.#providers.keys()].map((id) => `'${id}/…'`).join(", ") || "none configured";
    throw invalidParameter(
      "model",
      `The model '${modelId}' does not exist: model ids are '<provider>/<model>', with a provider among ${known}.`,
      "model_not_found",
    );
  }

  models(): ModelEntry[] {
    return [...this.#providers.values()].flatMap((provider) =>
      provider.models.map((id) => ({ id, object: "model" as const, created: 0, owned_by: provider.id })),
    );
  }

  model(id: string): ModelEntry {
    const entry = this.models().find((model) => model.id === id);
    if (!entry) throw notFound(`The model '${id}' does not exist.`, "model", "model_not_found");
    return entry;
  }
}

function expand(config: ProviderConfig): OpenAICompatibleConfig {
  if (config.type === "openai-compatible") return config;
  return {
    type: "openai-compatible",
    id: config.id ?? "scripted",
    baseURL: SCRIPTED_BASE_URL,
    apiKey: "scripted",
    models: config.models ?? ["scripted/assistant", SCRIPTED_EMBEDDING_MODEL],
    keepModelPrefix: true,
    includeUsage: config.includeUsage ?? false,
  };
}

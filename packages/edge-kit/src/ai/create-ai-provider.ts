// Picks the configured AI provider, failing fast when the chosen one is missing its binding or settings.
import type { AiBinding, AiProvider, AiProviderName } from "./ai-provider";
import { createOfflineProvider } from "./offline-provider";
import { createOpenAiProvider, type OpenAiOptions } from "./openai-provider";
import { createWorkersAiProvider, type WorkersAiModels } from "./workers-ai-provider";

export interface AiProviderConfig {
  provider: AiProviderName;
  /** The Workers AI binding (`env.AI`); required for `workers-ai`. */
  ai?: AiBinding;
  /** Model overrides for `workers-ai`. */
  workersAiModels?: Partial<WorkersAiModels>;
  /** Endpoint, model and key; required for `openai`. */
  openai?: OpenAiOptions;
}

/**
 * The provider `config.provider` names. Misconfiguration is a deployment error, not an outcome: a missing
 * binding or missing settings for the chosen provider throw an `Error` naming what is missing.
 *
 * @example
 * const ai = createAiProvider({ provider: "workers-ai", ai: env.AI });
 */
export function createAiProvider(config: AiProviderConfig): AiProvider {
  switch (config.provider) {
    case "offline":
      return createOfflineProvider();
    case "workers-ai":
      if (!config.ai) throw new Error("AI_PROVIDER is workers-ai but the AI binding is missing");
      return createWorkersAiProvider(config.ai, config.workersAiModels);
    case "openai": {
      const missing = !config.openai
        ? ["OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL"]
        : [
            ...(config.openai.baseUrl ? [] : ["OPENAI_BASE_URL"]),
            ...(config.openai.apiKey ? [] : ["OPENAI_API_KEY"]),
            ...(config.openai.model ? [] : ["OPENAI_MODEL"]),
          ];
      if (!config.openai || missing.length > 0) {
        throw new Error(`AI_PROVIDER is openai but ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not set`);
      }
      return createOpenAiProvider(config.openai);
    }
    default:
      throw new Error(`unknown AI provider: ${String(config.provider satisfies never)}`);
  }
}

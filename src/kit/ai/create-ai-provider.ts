// Picks the configured AI provider, failing fast when the chosen one is not configured.
import type { AiBinding, AiProvider, AiProviderName } from "./ai-provider";
import { createOfflineProvider } from "./offline-provider";
import { createOpenAiProvider, type OpenAiOptions } from "./openai-provider";
import { createWorkersAiProvider } from "./workers-ai-provider";

export interface AiProviderConfig {
  provider: AiProviderName;
  ai?: AiBinding;
  openai?: OpenAiOptions;
}

/**
 * @example
 * const ai = createAiProvider({ provider: "workers-ai", ai: env.AI });
 */
export function createAiProvider(config: AiProviderConfig): AiProvider {
  switch (config.provider) {
    case "offline":
      return createOfflineProvider();
    case "workers-ai":
      if (!config.ai) throw new Error("AI_PROVIDER is workers-ai but the AI binding is missing");
      return createWorkersAiProvider(config.ai);
    case "openai":
      if (!config.openai) throw new Error("AI_PROVIDER is openai but OPENAI_BASE_URL and OPENAI_API_KEY are not set");
      return createOpenAiProvider(config.openai);
  }
}

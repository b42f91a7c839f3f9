// The configured AI provider (AI_PROVIDER): Workers AI through the AI binding, an OpenAI-compatible endpoint, or offline.

import { type AiBinding, type AiProvider, createAiProvider } from "@outpost/edge-kit/ai";
import { getConfig } from "./config";

const providers = new WeakMap<object, AiProvider>();

/** One provider per environment object. `ai` overrides the binding (tests pass a double). */
export function getAiProvider(env: Partial<Env> & object, ai?: AiBinding): AiProvider {
  const cached = ai ? undefined : providers.get(env);
  if (cached) return cached;
  const config = getConfig(env);
  const provider = createAiProvider({
    provider: config.AI_PROVIDER,
    ai: ai ?? (env.AI as unknown as AiBinding | undefined),
    openai:
      config.OPENAI_BASE_URL && config.OPENAI_API_KEY
        ? { baseUrl: config.OPENAI_BASE_URL, apiKey: config.OPENAI_API_KEY, model: config.OPENAI_MODEL }
        : undefined,
  });
  if (!ai) providers.set(env, provider);
  return provider;
}

export {
  type AiBinding,
  type AiProvider,
  AiProviderError,
  type AiProviderName,
  type ChatMessage,
  type ImageLabel,
  type StreamTextInput,
  type TextAnalysis,
} from "./ai-provider";
export { type AiProviderConfig, createAiProvider } from "./create-ai-provider";
export { createOfflineProvider } from "./offline-provider";
export { createOpenAiProvider, type OpenAiOptions } from "./openai-provider";
export { sseData, sseDeltas } from "./sse-data";
export { extractiveSummary, hashedEmbedding, splitSentences, terms, topKeywords } from "./text-statistics";
export { createWorkersAiProvider, DEFAULT_WORKERS_AI_MODELS, type WorkersAiModels } from "./workers-ai-provider";

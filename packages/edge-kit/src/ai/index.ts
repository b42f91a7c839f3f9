// The AI kit: one provider interface over Workers AI, OpenAI-compatible endpoints and an offline fallback.
export {
  type AiBinding,
  type AiProvider,
  AiProviderError,
  type AiProviderErrorKind,
  type AiProviderName,
  type ChatMessage,
  type ImageLabel,
  type StreamTextInput,
  type TextAnalysis,
} from "./ai-provider";
export { type AiProviderConfig, createAiProvider } from "./create-ai-provider";
export { createOfflineProvider, OFFLINE_NOTICE_CHUNKS } from "./offline-provider";
export { createOpenAiProvider, OPENAI_SUMMARY_INPUT_CHARS, type OpenAiOptions } from "./openai-provider";
export { sseData, sseDeltas } from "./sse-data";
export {
  extractiveSummary,
  HASHED_EMBEDDING_DIMENSIONS,
  hashedEmbedding,
  STOPWORDS,
  SUMMARY_MAX_CHARS,
  splitSentences,
  terms,
  topKeywords,
  truncateText,
} from "./text-statistics";
export {
  createWorkersAiProvider,
  DEFAULT_WORKERS_AI_MODELS,
  SUMMARY_INPUT_CHARS,
  SUMMARY_MAX_TOKENS,
  type WorkersAiModels,
} from "./workers-ai-provider";

// Test doubles for Worker bindings: a Workers AI double that streams like the real models and fails on demand.
export {
  type AiDouble,
  type AiDoubleScript,
  type AiDoubleStream,
  type ChunkedStreamOptions,
  chunkBytes,
  chunkedStream,
  createAiDouble,
  DEFAULT_DELTAS,
  drain,
  type ModelBehaviour,
  sseText,
  type TextBehaviour,
} from "./ai-double";

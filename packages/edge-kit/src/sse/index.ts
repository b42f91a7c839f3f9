export {
  createSseStream,
  SSE_HEADERS,
  type SseEvent,
  type SseEventData,
  type SseWriter,
  type SseWriterOptions,
} from "./sse-writer";

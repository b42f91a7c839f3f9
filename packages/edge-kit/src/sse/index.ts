export { createSseStream, SSE_HEADERS, type SseWriter, type SseWriterOptions } from "./sse-writer";

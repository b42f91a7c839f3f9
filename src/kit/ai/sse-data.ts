// Reads a Server-Sent Events byte stream and yields each event's `data` field, however the bytes were split.
import { AiProviderError } from "./ai-provider";

/**
 * Yields the data of each event (multi-line data joined with "\n"). Chunks may split lines and UTF-8
 * characters anywhere; `\r\n`, `\r` and `\n` all end lines. Cancels the stream when `signal` aborts or the
 * consumer stops early.
 *
 * @example
 * for await (const data of sseData(response.body)) if (data !== "[DONE]") handle(JSON.parse(data));
 */
export async function* sseData(stream: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => {});
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  let buffer = "";
  let data: string[] = [];
  try {
    for (;;) {
      if (signal?.aborted) return;
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = done ? "" : (lines.pop() ?? "");
      for (const line of lines) {
        if (line === "") {
          if (data.length > 0) yield data.join("\n");
          data = [];
        } else if (line.startsWith("data:")) {
          data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
        }
      }
      if (done) {
        if (data.length > 0) yield data.join("\n");
        return;
      }
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.cancel().catch(() => {});
  }
}

/**
 * The text deltas of a model's SSE stream of JSON events ending in `data: [DONE]`: `pick` extracts the delta
 * from one event. A malformed event is `invalid-output`; a stream that ends without `[DONE]` (unless the
 * caller aborted) is `unavailable`, so a truncated answer never looks complete.
 *
 * @example
 * yield* sseDeltas(stream, signal, (event) => (event as { response?: string }).response);
 */
export async function* sseDeltas(
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal | undefined,
  pick: (event: unknown) => unknown,
): AsyncGenerator<string> {
  let finished = false;
  const events = sseData(stream, signal)[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<string>;
      try {
        next = await events.next();
      } catch (error) {
        if (signal?.aborted) return;
        // A broken connection mid-answer is transient: the caller may retry; it is never a complete answer.
        throw new AiProviderError("the model's stream broke off", "unavailable", { cause: error });
      }
      if (next.done) break;
      const data = next.value;
      if (data.trim() === "[DONE]") {
        finished = true;
        break;
      }
      let event: unknown;
      try {
        event = JSON.parse(data);
      } catch {
        throw new AiProviderError("the model streamed a malformed event", "invalid-output");
      }
      const delta = pick(event);
      if (typeof delta === "string" && delta.length > 0) yield delta;
    }
  } finally {
    // Stopping early (done, or the consumer left) cancels the upstream reader.
    await events.return?.(undefined).catch(() => undefined);
  }
  if (!finished && !signal?.aborted) throw new AiProviderError("the model's stream ended early", "unavailable");
}

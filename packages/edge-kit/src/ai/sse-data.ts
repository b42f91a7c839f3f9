// Reads a Server-Sent Events byte stream incrementally: each event's data, then a model's text deltas to [DONE].
import { AiProviderError } from "./ai-provider";

/**
 * Splits decoded text into lines ending in `\r\n`, `\n` or `\r`, however the text was chunked: a `\r` at
 * the end of one chunk and a `\n` at the start of the next are one line ending, not two.
 */
class LineSplitter {
  #rest = "";
  #skipLineFeed = false;

  /** The complete lines in `text` (plus what earlier chunks left over); an unfinished line waits. */
  push(text: string): string[] {
    if (text === "") return [];
    const skip = this.#skipLineFeed && text.startsWith("\n") ? 1 : 0;
    this.#skipLineFeed = false;
    const buffer = this.#rest + text.slice(skip);
    const lines: string[] = [];
    let start = 0;
    // What was left over holds no line ending, so only the new text is scanned.
    for (let i = this.#rest.length; i < buffer.length; i++) {
      const char = buffer[i];
      if (char !== "\r" && char !== "\n") continue;
      lines.push(buffer.slice(start, i));
      if (char === "\r") {
        if (buffer[i + 1] === "\n") i++;
        else if (i === buffer.length - 1) this.#skipLineFeed = true;
      }
      start = i + 1;
    }
    this.#rest = buffer.slice(start);
    return lines;
  }
}

/**
 * Yields the data of each event (multi-line data joined with "\n"; comments and other fields ignored).
 * Chunks may split lines and UTF-8 characters anywhere. At the end of the stream, data lines that were
 * complete but not followed by a blank line still form an event; an unfinished last line is dropped, so a
 * cut-off line is never mistaken for a whole one. When `signal` aborts (or the consumer stops early) the
 * reader is cancelled and the iteration ends without an error.
 *
 * @example
 * for await (const data of sseData(response.body, signal)) if (data !== "[DONE]") handle(JSON.parse(data));
 */
export async function* sseData(stream: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<string> {
  const reader = stream.getReader();
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => {});
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const decoder = new TextDecoder();
  const lines = new LineSplitter();
  let data: string[] = [];
  try {
    for (;;) {
      if (signal?.aborted) return;
      const { done, value } = await reader.read();
      if (signal?.aborted) return;
      for (const line of lines.push(done ? decoder.decode() : decoder.decode(value, { stream: true }))) {
        if (line === "") {
          if (data.length > 0) yield data.join("\n");
          data = [];
          continue;
        }
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        if (field !== "data") continue;
        const rest = colon < 0 ? "" : line.slice(colon + 1);
        data.push(rest.startsWith(" ") ? rest.slice(1) : rest);
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
 * from one parsed event (non-strings and "" are skipped). A stream that errors, or ends without `[DONE]`,
 * throws `unavailable` after the deltas already yielded, so a truncated answer never looks complete; an
 * event that is not JSON is `invalid-output`. Aborting `signal` ends the iteration quietly.
 *
 * @example
 * yield* sseDeltas(stream, signal, (event) => (isRecord(event) ? event.response : undefined));
 */
export async function* sseDeltas(
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal | undefined,
  pick: (event: unknown) => unknown,
): AsyncGenerator<string> {
  let finished = false;
  const events = sseData(stream, signal);
  try {
    for (;;) {
      let next: IteratorResult<string>;
      try {
        next = await events.next();
      } catch (error) {
        if (signal?.aborted) return;
        throw new AiProviderError("the model's stream broke off", "unavailable", { cause: error });
      }
      if (next.done) break;
      const data = next.value.trim();
      if (data === "") continue;
      if (data === "[DONE]") {
        finished = true;
        break;
      }
      let event: unknown;
      try {
        event = JSON.parse(data);
      } catch {
        // No cause: the parser's message quotes the event, and what a model echoes is not for logs.
        throw new AiProviderError("the model streamed a malformed event", "invalid-output");
      }
      const delta = pick(event);
      if (typeof delta === "string" && delta.length > 0) yield delta;
    }
  } finally {
    // However the loop ends (done, an error, or the consumer leaving), the upstream reader is cancelled.
    await events.return(undefined).catch(() => undefined);
  }
  if (!finished && !signal?.aborted) throw new AiProviderError("the model's stream ended early", "unavailable");
}

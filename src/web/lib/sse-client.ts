// The assistant's answer stream (`POST /api/assistant/chat`, Server-Sent Events over fetch, since EventSource
// cannot POST) as typed events. eventsource-parser does the SSE framing (lines split across chunks, comments and
// heartbeats, multi-line data); TextDecoderStream keeps characters split across chunks whole; every event is
// checked with the API's own AssistantEventSchema, so the page only ever sees events it knows how to show.
import { EventSourceParserStream } from "eventsource-parser/stream";
import { type AssistantEvent, AssistantEventSchema } from "../../features/assistant/assistant.schema";
import { ApiError, type Problem } from "../api/problem";

/** An event the stream carried that is not one of the assistant's (unknown name, not JSON, wrong shape). */
export interface InvalidEvent {
  event: string | undefined;
  data: string;
  reason: string;
}

/** One SSE message as an AssistantEvent, or why it is not one. */
export function parseAssistantEvent(message: {
  event?: string | undefined;
  data: string;
}): { ok: true; event: AssistantEvent } | { ok: false; invalid: InvalidEvent } {
  const invalid = (reason: string) => ({
    ok: false as const,
    invalid: { event: message.event, data: message.data, reason },
  });
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return invalid("data is not JSON");
  }
  const parsed = AssistantEventSchema.safeParse({ event: message.event, data });
  return parsed.success ? { ok: true, event: parsed.data } : invalid(parsed.error.issues[0]?.message ?? "not valid");
}

/**
 * The assistant events of a stream of bytes, in order, until it ends. Invalid events are skipped (reported to
 * `onInvalid`); a stream that errors (a dropped connection, an abort) rejects the iteration with that error.
 * Leaving the loop early cancels the stream.
 */
export async function* readAssistantEvents(
  body: ReadableStream<Uint8Array>,
  onInvalid?: (invalid: InvalidEvent) => void,
): AsyncGenerator<AssistantEvent, void, undefined> {
  // TextDecoderStream's writable side is typed as taking any BufferSource, which TS will not match to Uint8Array.
  const decoder = new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>;
  const reader = body.pipeThrough(decoder).pipeThrough(new EventSourceParserStream()).getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      const parsed = parseAssistantEvent(value);
      if (parsed.ok) yield parsed.event;
      else onInvalid?.(parsed.invalid);
    }
  } catch (error) {
    finished = true;
    throw error;
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * The assistant events of a chat response. A refusal (problem+json, any non-2xx) throws an ApiError whose
 * message is a sentence a person can read; a 2xx without a body throws one too.
 */
export async function* assistantEvents(
  response: Response,
  onInvalid?: (invalid: InvalidEvent) => void,
): AsyncGenerator<AssistantEvent, void, undefined> {
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Problem;
    throw new ApiError(response.status, problem && typeof problem === "object" ? problem : {});
  }
  if (!response.body) throw new ApiError(response.status, { title: "The answer arrived empty" });
  yield* readAssistantEvents(response.body, onInvalid);
}

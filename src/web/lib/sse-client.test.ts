import { describe, expect, it } from "vitest";
import type { AssistantEvent } from "../../features/assistant/assistant.schema";
import { ApiError } from "../api/problem";
import { assistantEvents, type InvalidEvent, parseAssistantEvent, readAssistantEvents } from "./sse-client";

const encoder = new TextEncoder();

/** A body that delivers `text` as bytes cut at `cuts` (byte offsets), so lines and characters straddle chunks. */
function body(text: string, cuts: number[] | number): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  const at =
    typeof cuts === "number"
      ? Array.from({ length: Math.ceil(bytes.length / cuts) - 1 }, (_, i) => (i + 1) * cuts)
      : cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
  const chunks = [0, ...at].map((start, i) => bytes.slice(start, at[i] ?? bytes.length));
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

async function read(stream: ReadableStream<Uint8Array>, invalid: InvalidEvent[] = []): Promise<AssistantEvent[]> {
  const events: AssistantEvent[] = [];
  for await (const event of readAssistantEvents(stream, (i) => invalid.push(i))) events.push(event);
  return events;
}

const STATUS = 'event: status\ndata: {"state":"searching","provider":"offline","conversationId":"c1"}\n\n';
const DONE =
  'event: done\ndata: {"conversationId":"c1","usage":{"outputChars":5,"events":3,"subrequests":0,"provider":"offline"}}\n\n';

describe("readAssistantEvents", () => {
  it("reads the same events however the bytes are chunked: mid-line, mid-field, mid-character", async () => {
    const text = `id: 1\n${STATUS}id: 2\nevent: content\ndata: {"delta":"café ✓ 🚀 naïve"}\n\nid: 3\n${DONE}`;
    const expected: AssistantEvent[] = [
      { event: "status", data: { state: "searching", provider: "offline", conversationId: "c1" } },
      { event: "content", data: { delta: "café ✓ 🚀 naïve" } },
      {
        event: "done",
        data: { conversationId: "c1", usage: { outputChars: 5, events: 3, subrequests: 0, provider: "offline" } },
      },
    ];
    for (const size of [1, 2, 3, 5, 7, 64, 10_000]) expect(await read(body(text, size))).toEqual(expected);
    // Cut inside each multi-byte character (é is 2 bytes, ✓ 3, 🚀 4) and inside the "data:" field name.
    const bytes = encoder.encode(text);
    const start = (s: string) => bytes.findIndex((_, i) => new TextDecoder().decode(bytes.slice(i)).startsWith(s));
    const cuts = [start("é") + 1, start("✓") + 1, start("✓") + 2, start("🚀") + 1, start("🚀") + 3, start("data") + 2];
    expect(await read(body(text, cuts))).toEqual(expected);
  });

  it("skips comments and heartbeats, and accepts CRLF and CR line endings", async () => {
    const text = [
      ": heartbeat\n\n",
      ":\n\n",
      'event: content\r\ndata: {"delta":"a"}\r\n\r\n',
      ": heartbeat\r\n\r\n",
      'event: content\rdata: {"delta":"b"}\r\r',
      'event: content\n: a comment inside an event\ndata: {"delta":"c"}\n\n',
    ].join("");
    const invalid: InvalidEvent[] = [];
    const events = await read(body(text, 3), invalid);
    expect(events).toEqual(["a", "b", "c"].map((delta) => ({ event: "content", data: { delta } })));
    expect(invalid).toEqual([]);
  });

  it("joins multi-line data with newlines before parsing", async () => {
    const text = 'event: content\ndata: {"delta":\ndata: "two\\nlines"\ndata: }\n\n';
    expect(await read(body(text, 4))).toEqual([{ event: "content", data: { delta: "two\nlines" } }]);
  });

  it("skips invalid events (not JSON, wrong shape, unknown or missing name) and reads on", async () => {
    const text = [
      STATUS,
      "event: content\ndata: not json\n\n",
      'event: content\ndata: {"text":"no delta"}\n\n',
      'event: tool\ndata: {"name":"search_files","phase":"later"}\n\n',
      'event: telemetry\ndata: {"delta":"from the future"}\n\n',
      'data: {"delta":"no event name"}\n\n',
      'event: content\ndata: {"delta":"Hello"}\n\n',
      DONE,
    ].join("");
    const invalid: InvalidEvent[] = [];
    const events = await read(body(text, 9), invalid);
    expect(events.map((e) => e.event)).toEqual(["status", "content", "done"]);
    expect(events[1]).toEqual({ event: "content", data: { delta: "Hello" } });
    expect(invalid.map((i) => i.event)).toEqual(["content", "content", "tool", "telemetry", undefined]);
    expect(invalid[0]?.reason).toBe("data is not JSON");
  });

  it("parses an error event, and ignores an event cut off by the end of the stream", async () => {
    const text = `${STATUS}event: error\ndata: {"code":"internal","message":"The answer could not be completed.","requestId":"r1"}\n\nevent: content\ndata: {"delta":"lost"}`;
    const events = await read(body(text, 11));
    expect(events.at(-1)).toEqual({
      event: "error",
      data: { code: "internal", message: "The answer could not be completed.", requestId: "r1" },
    });
    expect(events).toHaveLength(2);
  });

  it("rejects when the connection drops mid-stream, after yielding what arrived", async () => {
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(encoder.encode(`${STATUS}event: content\ndata: {"delta":"par`));
        } else controller.error(new TypeError("network error"));
      },
    });
    const events: AssistantEvent[] = [];
    await expect(
      (async () => {
        for await (const event of readAssistantEvents(stream)) events.push(event);
      })(),
    ).rejects.toThrow("network error");
    expect(events.map((e) => e.event)).toEqual(["status"]);
  });

  it("cancels the body when the reader stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(STATUS + STATUS));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of readAssistantEvents(stream)) {
      expect(event.event).toBe("status");
      break;
    }
    expect(cancelled).toBe(true);
  });
});

describe("assistantEvents", () => {
  it("turns a problem+json refusal into an ApiError with a sentence", async () => {
    const response = new Response(
      JSON.stringify({ title: "Too many requests", detail: "Try again in a minute", status: 429 }),
      { status: 429, headers: { "Content-Type": "application/problem+json" } },
    );
    const iteration = assistantEvents(response).next();
    await expect(iteration).rejects.toBeInstanceOf(ApiError);
    await expect(iteration).rejects.toThrow("Too many requests. Try again in a minute.");
  });

  it("reads a streamed response's events", async () => {
    const response = new Response(body(STATUS + DONE, 6), { headers: { "Content-Type": "text/event-stream" } });
    const names: string[] = [];
    for await (const event of assistantEvents(response)) names.push(event.event);
    expect(names).toEqual(["status", "done"]);
  });
});

describe("parseAssistantEvent", () => {
  it("says why an event is not valid", () => {
    expect(parseAssistantEvent({ event: "content", data: '{"delta":"x"}' })).toEqual({
      ok: true,
      event: { event: "content", data: { delta: "x" } },
    });
    const bad = parseAssistantEvent({ event: "content", data: '{"delta":5}' });
    expect(bad.ok).toBe(false);
  });
});

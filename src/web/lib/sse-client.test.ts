import { describe, expect, it } from "vitest";
import { type AssistantEvent, AssistantEventSchema } from "../../features/assistant/assistant.schema";
import { readSse, type SseEvent } from "./sse-client";

/** A body that delivers `text` in chunks of `size` bytes, so events (and characters) straddle chunks. */
function body(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function read(text: string, size: number): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  await readSse(body(text, size), (event) => events.push(event));
  return events;
}

describe("readSse", () => {
  it("reads ids, names and JSON data whatever the chunking; skips comments; keeps non-JSON data as text", async () => {
    const text = [
      ": heartbeat\n\n",
      'id: 1\nevent: content\ndata: {"delta":"caf\u00e9 \u2713"}\n\n',
      "id: 2\r\nevent: note\r\ndata: line one\r\ndata: line two\r\n\r\n",
      "data: [1,2]\n\n",
      "event: empty\n\n",
      'id: 3\nevent: done\ndata: {"ok":true}',
    ].join("");
    const expected: SseEvent[] = [
      { id: "1", event: "content", data: { delta: "caf\u00e9 \u2713" } },
      { id: "2", event: "note", data: "line one\nline two" },
      { id: null, event: "message", data: [1, 2] },
      { id: "3", event: "done", data: { ok: true } },
    ];
    for (const size of [1, 3, 7, 1_000]) expect(await read(text, size)).toEqual(expected);
  });

  it("with AssistantEventSchema, as the assistant page reads it: malformed and unknown events are skipped", async () => {
    const text = [
      'event: status\ndata: {"state":"searching","provider":"offline","conversationId":"c1"}\n\n',
      'event: content\ndata: {"text":"no delta"}\n\n',
      'event: content\ndata: {"delta":"Hello"}\n\n',
      "event: content\ndata: not json\n\n",
      'event: telemetry\ndata: {"delta":"from the future"}\n\n',
      'event: tool\ndata: {"name":"search_files","phase":"later"}\n\n',
      'event: done\ndata: {"conversationId":"c1","usage":{"outputChars":5,"events":3,"subrequests":0,"provider":"offline"}}\n\n',
    ].join("");
    const parsed: AssistantEvent[] = [];
    await readSse(body(text, 5), ({ event, data }) => {
      const result = AssistantEventSchema.safeParse({ event, data });
      if (result.success) parsed.push(result.data);
    });
    expect(parsed.map((e) => e.event)).toEqual(["status", "content", "done"]);
    expect(parsed[1]).toEqual({ event: "content", data: { delta: "Hello" } });
  });
});

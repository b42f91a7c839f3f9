// The writer typed over an event union: the same bytes on the wire as the untyped one; the types refuse
// misspelt events and wrong data (checked by `tsc`, which type-checks this file).
import { describe, expect, it } from "vitest";
import { createSseStream, type SseWriter } from ".";

type ChatEvent =
  | { event: "status"; data: { state: "searching" | "answering" } }
  | { event: "content"; data: { delta: string } }
  | { event: "done"; data: { chars: number } }
  | { event: "error"; data: { code: string; requestId?: string } };

/** One producer, so the typed and the untyped writer get exactly the same calls. */
async function produce(writer: SseWriter<ChatEvent>, end: "done" | "error"): Promise<void> {
  await writer.send("status", { state: "searching" });
  await Promise.all(["a", "b\nc", 'quote " and ✓'].map((delta) => writer.send("content", { delta })));
  if (end === "done") await writer.done({ chars: 9 });
  else await writer.error({ code: "provider-failed", requestId: "r1" });
  // After the terminal event: ignored by both.
  await writer.send("content", { delta: "late" });
  await writer.done({ chars: 0 });
}

async function textOf(readable: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(readable).text();
}

describe("createSseStream<E> (typed)", () => {
  it("frames events exactly like the untyped writer", async () => {
    for (const end of ["done", "error"] as const) {
      const typed = createSseStream<ChatEvent>({ heartbeatMs: 0 });
      const untyped = createSseStream({ heartbeatMs: 0 });
      const [typedText, untypedText] = await Promise.all([
        textOf(typed.readable),
        textOf(untyped.readable),
        produce(typed.writer, end),
        // The untyped writer accepts any event and data, so it can stand in for the typed one.
        produce(untyped.writer as unknown as SseWriter<ChatEvent>, end),
      ]);
      expect(typedText).toBe(untypedText);
      expect(typed.writer.sent).toBe(5);
    }
  });

  it("writes id, event and JSON data lines, then closes after the terminal event", async () => {
    const { readable, writer } = createSseStream<ChatEvent>({ heartbeatMs: 0 });
    const reading = textOf(readable);
    expect(await writer.send("content", { delta: "hi" })).toBe(true);
    await writer.done({ chars: 2 });
    expect(writer.closed).toBe(true);
    expect(await reading).toBe(
      'id: 1\nevent: content\ndata: {"delta":"hi"}\n\nid: 2\nevent: done\ndata: {"chars":2}\n\n',
    );
  });

  it("types events and data from the union (compile-time checks)", async () => {
    const { readable, writer } = createSseStream<ChatEvent>({ heartbeatMs: 0 });
    const reading = textOf(readable);
    // @ts-expect-error a misspelt event
    await writer.send("contnet", { delta: "x" });
    // @ts-expect-error a wrong field
    await writer.send("content", { text: "x" });
    // @ts-expect-error another event's data
    await writer.send("status", { delta: "x" });
    // @ts-expect-error done takes the done member's data
    await writer.done({ usage: 1 });
    // @ts-expect-error error takes the error member's data (after done it is ignored anyway)
    await writer.error({ message: "x" });
    // The untyped default still takes any event and data.
    const untyped = createSseStream({ heartbeatMs: 0 });
    const untypedReading = textOf(untyped.readable);
    await untyped.writer.send("anything", { at: "all" });
    await untyped.writer.done(42);
    expect(await untypedReading).toContain("event: anything");
    // Types aside, the writer frames whatever it is given: three events and done (the error came after done).
    expect((await reading).match(/^event: .*$/gm)).toEqual([
      "event: contnet",
      "event: content",
      "event: status",
      "event: done",
    ]);
  });
});

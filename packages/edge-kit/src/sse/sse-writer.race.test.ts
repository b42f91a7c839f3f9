// The SSE writer under concurrency: whatever races, a stream carries exactly one terminal event, the first one
// asked for, and nothing after it.
import { describe, expect, it } from "vitest";
import { createSseStream } from ".";

/** The `event:` names of an SSE body, in order (heartbeat comments left out). */
async function eventsOf(readable: ReadableStream<Uint8Array>): Promise<{ event: string; id: string; data: unknown }[]> {
  const text = await new Response(readable).text();
  return text
    .split("\n\n")
    .filter((block) => block && !block.startsWith(":"))
    .map((block) => {
      const line = (name: string) =>
        block
          .split("\n")
          .find((l) => l.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      return { event: line("event") ?? "", id: line("id") ?? "", data: JSON.parse(line("data") ?? "null") };
    });
}

describe("createSseStream: one terminal event under races", () => {
  it("error() and done() called together: only the first (error) is sent, once", async () => {
    const { readable, writer } = createSseStream({ heartbeatMs: 0 });
    const reading = eventsOf(readable);
    await writer.send("content", { delta: "partial" });
    await Promise.all([writer.error({ code: "provider-failed" }), writer.done({ chars: 7 })]);
    const events = await reading;
    expect(events.map((e) => e.event)).toEqual(["content", "error"]);
    expect(events.map((e) => e.id)).toEqual(["1", "2"]);
    expect(events[1]?.data).toEqual({ code: "provider-failed" });
    expect(writer.sent).toBe(2);
  });

  it("done() and error() called together: only the first (done) is sent, once", async () => {
    const { readable, writer } = createSseStream({ heartbeatMs: 0 });
    const reading = eventsOf(readable);
    await Promise.all([writer.done({ chars: 0 }), writer.error({ code: "late" }), writer.done({ chars: 1 })]);
    const events = await reading;
    expect(events).toEqual([{ event: "done", id: "1", data: { chars: 0 } }]);
    expect(writer.sent).toBe(1);
  });

  it("is closed as soon as a terminal event is asked for: a send racing it is refused and never follows it", async () => {
    const { readable, writer } = createSseStream({ heartbeatMs: 0 });
    const reading = eventsOf(readable);
    const first = writer.send("content", { delta: "before" });
    const ending = writer.done({});
    expect(writer.closed).toBe(true);
    const late = writer.send("content", { delta: "after" });
    const lateError = writer.error({ code: "late" });
    expect(await first).toBe(true);
    expect(await late).toBe(false);
    await Promise.all([ending, lateError]);
    expect((await reading).map((e) => e.event)).toEqual(["content", "done"]);
    expect(writer.signal.aborted).toBe(true);
  });

  it("many concurrent producers ending the stream at once still give a single terminal event", async () => {
    const { readable, writer } = createSseStream({ heartbeatMs: 0 });
    const reading = eventsOf(readable);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? writer.error({ code: `e${i}` }) : writer.done({ chars: i }))),
    );
    const events = await reading;
    expect(events).toEqual([{ event: "error", id: "1", data: { code: "e0" } }]);
  });
});

import { describe, expect, it } from "vitest";
import { createSseStream } from ".";

interface Parsed {
  id?: string;
  event?: string;
  data?: unknown;
  comment?: string;
}

/** Parses SSE text into events and comments. */
function parse(text: string): Parsed[] {
  return text
    .split("\n\n")
    .filter(Boolean)
    .map((block) => {
      const parsed: Parsed = {};
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) parsed.comment = line.slice(1).trim();
        else if (line.startsWith("id: ")) parsed.id = line.slice(4);
        else if (line.startsWith("event: ")) parsed.event = line.slice(7);
        else if (line.startsWith("data: ")) parsed.data = JSON.parse(line.slice(6));
      }
      return parsed;
    });
}

async function readAll(readable: ReadableStream<Uint8Array>): Promise<Parsed[]> {
  return parse(await new Response(readable).text());
}

describe("createSseStream", () => {
  it("numbers events, never interleaves concurrent sends, and ends with exactly one done", async () => {
    const { readable, writer } = createSseStream({ heartbeatMs: 0 });
    const reading = readAll(readable);
    await Promise.all(Array.from({ length: 20 }, (_, i) => writer.send("content", { delta: `part ${i} `.repeat(50) })));
    await writer.done({ usage: { events: 20 } });
    await writer.error({ code: "late" });
    expect(await writer.send("content", { delta: "after the end" })).toBe(false);
    const events = await reading;
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 21 }, (_, i) => String(i + 1)));
    expect(events.filter((e) => e.event === "done")).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ event: "done", data: { usage: { events: 20 } } });
    expect(events.some((e) => e.event === "error")).toBe(false);
    expect(events.slice(0, 20).map((e) => (e.data as { delta: string }).delta.split(" ")[1])).toEqual(
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
  });

  it("ends with error, not done, after partial content", async () => {
    const { readable, writer } = createSseStream({ heartbeatMs: 0 });
    const reading = readAll(readable);
    await writer.send("content", { delta: "half an ans" });
    await writer.error({ code: "provider-failed", requestId: "r1" });
    await writer.done({});
    const events = await reading;
    expect(events.map((e) => e.event)).toEqual(["content", "error"]);
  });

  it("drops an unserialisable event and keeps going", async () => {
    const dropped: string[] = [];
    const { readable, writer } = createSseStream({ heartbeatMs: 0, onDropped: (event) => dropped.push(event) });
    const reading = readAll(readable);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await writer.send("tool", cyclic)).toBe(false);
    expect(await writer.send("tool", { big: 10n })).toBe(false);
    expect(await writer.send("content", { delta: "still here" })).toBe(true);
    await writer.done({});
    expect((await reading).map((e) => e.event)).toEqual(["content", "done"]);
    expect(dropped).toEqual(["tool", "tool"]);
  });

  it("detects a gone client by the next write, aborts the shared signal, and stops heartbeats", async () => {
    let disconnects = 0;
    const { readable, writer } = createSseStream({ heartbeatMs: 10, onDisconnect: () => disconnects++ });
    const reader = readable.getReader();
    const sending = writer.send("status", { state: "thinking" });
    const first = await reader.read();
    expect(await sending).toBe(true);
    expect(new TextDecoder().decode(first.value)).toContain("event: status");
    await reader.cancel();
    expect(writer.signal.aborted).toBe(false);
    // The very next event (or heartbeat) notices.
    expect(await writer.send("content", { delta: "x" })).toBe(false);
    expect(writer.signal.aborted).toBe(true);
    expect(writer.closed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(disconnects).toBe(1);
  });

  it("sends heartbeat comments while the producer is quiet", async () => {
    const { readable, writer } = createSseStream({ heartbeatMs: 10 });
    const reading = readAll(readable);
    await new Promise((resolve) => setTimeout(resolve, 45));
    await writer.done({});
    const events = await reading;
    expect(events.filter((e) => e.comment === "heartbeat").length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)?.event).toBe("done");
  });
});

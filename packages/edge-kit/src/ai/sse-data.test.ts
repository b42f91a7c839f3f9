import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkBytes, chunkedStream, drain, sseText } from "../testing/ai-double";
import { AiProviderError, sseData, sseDeltas } from ".";

const encoder = new TextEncoder();
const response = (event: unknown) =>
  typeof event === "object" && event !== null ? Reflect.get(event, "response") : undefined;
const events = (deltas: readonly string[]) => deltas.map((delta) => JSON.stringify({ response: delta }));

describe("sseData", () => {
  it("cuts the test streams inside multi-byte characters (the property below relies on it)", () => {
    const bytes = encoder.encode(sseText(events(["a 🌍 日本語"]), "\r\n"));
    const chunks = chunkBytes(bytes, [1, 3, 2, 5, 7, 4, 11]);
    const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
    expect(chunks.filter((chunk) => !canDecode(strict, chunk)).length).toBeGreaterThan(0);
  });

  it("reassembles any deltas, however the bytes are cut, with LF or CRLF", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom("\n" as const, "\r\n" as const),
        async (deltas, sizes, lineEnding) => {
          const { stream } = chunkedStream(sseText([...events(deltas), "[DONE]"], lineEnding), { chunkSizes: sizes });
          expect(await drain(sseDeltas(stream, undefined, response))).toEqual({ parts: deltas, error: undefined });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("treats a CR ending one chunk and an LF starting the next as one line ending", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of ["data: a\r", "\ndata: b\r", "\n\r", "\n", ": comment\nevent: x\ndata:c\n\n"]) {
          controller.enqueue(encoder.encode(part));
        }
        controller.close();
      },
    });
    expect((await drain(sseData(stream))).parts).toEqual(["a\nb", "c"]);
    const whole = chunkedStream("data: a\r\ndata: b\r\n\r\ndata: c\rdata: d\r\r", { chunkSizes: [64] }).stream;
    expect((await drain(sseData(whole))).parts).toEqual(["a\nb", "c\nd"]);
  });

  it("keeps complete lines at the end of the stream but drops an unfinished one", async () => {
    const complete = chunkedStream("data: one\n\ndata: two\n").stream;
    expect((await drain(sseData(complete))).parts).toEqual(["one", "two"]);
    const cut = chunkedStream("data: one\n\ndata: [DO").stream;
    expect((await drain(sseData(cut))).parts).toEqual(["one"]);
  });

  it("cancels the reader when the consumer stops early", async () => {
    const { stream, record } = chunkedStream(sseText(["1", "2", "3"]), { ending: "hang" });
    for await (const data of sseData(stream)) if (data === "1") break;
    expect(record.cancelled).toBe(true);
  });
});

describe("sseDeltas", () => {
  it("accepts [DONE] on a last line without the blank line after it", async () => {
    const { stream } = chunkedStream(`${sseText(events(["hi"]))}data: [DONE]\n`);
    expect(await drain(sseDeltas(stream, undefined, response))).toEqual({ parts: ["hi"], error: undefined });
  });

  it("reports a stream cut inside its last event as ended early, not as malformed", async () => {
    const { stream } = chunkedStream(`${sseText(events(["hi"]))}data: {"response": "th`);
    const { parts, error } = await drain(sseDeltas(stream, undefined, response));
    expect(parts).toEqual(["hi"]);
    expect(error).toBeInstanceOf(AiProviderError);
    expect(error).toMatchObject({ kind: "unavailable", message: "the model's stream ended early" });
  });

  it("rejects an event that is not JSON as invalid output", async () => {
    const { stream, record } = chunkedStream(sseText(["{nope", "[DONE]"]));
    expect((await drain(sseDeltas(stream, undefined, response))).error).toMatchObject({ kind: "invalid-output" });
    expect(record.cancelled).toBe(true);
  });

  it("skips empty data and events without a delta, and stops reading at [DONE]", async () => {
    const text = sseText(["", JSON.stringify({ usage: { total_tokens: 3 } }), ...events(["x"]), "[DONE]", "ignored"]);
    const { stream, record } = chunkedStream(text, { chunkSizes: [4] });
    expect(await drain(sseDeltas(stream, undefined, response))).toEqual({ parts: ["x"], error: undefined });
    expect(record).toMatchObject({ closed: false, cancelled: true });
  });
});

function canDecode(decoder: TextDecoder, chunk: Uint8Array): boolean {
  try {
    decoder.decode(chunk);
    return true;
  } catch {
    return false;
  }
}

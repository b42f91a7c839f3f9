import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toBase64Url } from "../crypto";
import { createCursorCodec, MAX_CURSOR_LENGTH } from ".";

const HEX_ID = /^[0-9a-f]{32}$/;
const codec = createCursorCodec({ keys: 2, validate: ([, id]) => HEX_ID.test(id) });
const bytes = (text: string) => toBase64Url(new TextEncoder().encode(text));

describe("createCursorCodec", () => {
  it("gives back exactly the keys it encoded, whatever they contain", () => {
    const plain = createCursorCodec({ keys: 2 });
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(plain.decode(plain.encode([a, b]))).toEqual([a, b]);
      }),
    );
  });

  it("issues URL-safe cursors", () => {
    const cursor = codec.encode(["2026-12-01T10:00:00.000Z", "a".repeat(32)]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("refuses what it did not issue: wrong arity, types, JSON, alphabet, length or failed validation", () => {
    const id = "b".repeat(32);
    for (const forged of [
      "",
      "!!!",
      bytes("not json"),
      bytes("{}"),
      bytes('["only-one"]'),
      bytes(`["a","${id}","extra"]`),
      bytes(`[1,"${id}"]`),
      bytes('["2026-01-01","not-an-id"]'),
      toBase64Url(new Uint8Array([0xff, 0xfe, 0x5b])),
      "A".repeat(MAX_CURSOR_LENGTH + 1),
    ]) {
      expect(codec.decode(forged), JSON.stringify(forged)).toBeNull();
    }
    expect(codec.decode(bytes(`["2026-01-01","${id}"]`))).toEqual(["2026-01-01", id]);
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (input) => {
        const result = codec.decode(input);
        expect(result === null || result.length === 2).toBe(true);
      }),
    );
  });
});

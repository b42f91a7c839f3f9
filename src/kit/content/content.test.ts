import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  contentDisposition,
  isInlineSafe,
  parseByteRange,
  readImageInfo,
  resolveUploadType,
  sanitizeFileName,
  sniffContentType,
} from ".";

const text = (value: string) => new TextEncoder().encode(value);
const bytes = (...values: number[]) => Uint8Array.from(values);
const PNG_1X1 = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

describe("sniffContentType", () => {
  it.each([
    [PNG_1X1, "image/png"],
    [bytes(0xff, 0xd8, 0xff, 0xe0, 0, 16), "image/jpeg"],
    [text("GIF89a\x03\x00\x02\x00"), "image/gif"],
    [text("RIFF\x00\x00\x00\x00WEBPVP8 "), "image/webp"],
    [text("RIFF\x00\x00\x00\x00WAVEfmt "), "audio/wav"],
    [text("%PDF-1.7\n"), "application/pdf"],
    [bytes(0x50, 0x4b, 0x03, 0x04, 20, 0), "application/zip"],
    [bytes(0x1f, 0x8b, 8, 0), "application/gzip"],
    [bytes(0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d), "video/mp4"],
    [bytes(0, 0, 0, 20, 0x66, 0x74, 0x79, 0x70, 0x71, 0x74, 0x20, 0x20), "video/quicktime"],
    [bytes(0x1a, 0x45, 0xdf, 0xa3, 1), "video/webm"],
    [text("OggS\x00\x02"), "audio/ogg"],
    [text("ID3\x04\x00"), "audio/mpeg"],
  ])("recognises magic bytes (%#: %s)", (head, type) => {
    expect(sniffContentType(head).type).toBe(type);
  });

  it.each([
    ["<!DOCTYPE html><p>x", "text/html"],
    ["  \n<html lang=en>", "text/html"],
    ["\uFEFF<script>alert(1)</script>", "text/html"],
    ["<!-- note --><div>", "text/html"],
    ['<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"],
    ["<svg width='1'></svg>", "image/svg+xml"],
    ['<?xml version="1.0"?><feed/>', "application/xml"],
    ["Plain notes, with <angle> brackets later", "text/plain"],
    ['{"json": true}', "text/plain"],
    ["héllo wörld — 日本語", "text/plain"],
  ])("sniffs text like a browser would: %j → %s", (value, type) => {
    expect(sniffContentType(text(value)).type).toBe(type);
  });

  it("treats a multi-byte character cut at the end of the sample as text, and control bytes as binary", () => {
    const cut = text("caf\u00e9 au lait \u65e5").subarray(0, -1);
    expect(sniffContentType(cut).family).toBe("text");
    expect(sniffContentType(bytes(0x68, 0x00, 0x69)).family).toBe("unknown");
    expect(sniffContentType(bytes(0x68, 0xc3, 0x28)).family).toBe("unknown");
    expect(sniffContentType(new Uint8Array(0)).type).toBe("application/x-empty");
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (head) => typeof sniffContentType(head).type === "string"),
      { seed: 11, numRuns: 2_000 },
    );
  });
});

describe("resolveUploadType", () => {
  it("lets the bytes decide, and a declared type only refine plain text", () => {
    expect(resolveUploadType(undefined, PNG_1X1)).toEqual({ ok: true, type: "image/png", inline: true });
    expect(resolveUploadType("application/octet-stream", PNG_1X1)).toMatchObject({ ok: true, type: "image/png" });
    expect(resolveUploadType("text/markdown; charset=utf-8", text("# Title"))).toMatchObject({
      ok: true,
      type: "text/markdown",
    });
    expect(resolveUploadType("application/json", text('{"a":1}'))).toMatchObject({
      ok: true,
      type: "application/json",
    });
    expect(resolveUploadType("text/html", text("<!doctype html>"))).toEqual({
      ok: true,
      type: "text/html",
      inline: false,
    });
  });

  it("refuses mismatches, unknown binaries and empty files", () => {
    expect(resolveUploadType("image/png", text("<!doctype html><script>"))).toEqual({
      ok: false,
      reason: "mismatch",
      detected: "text/html",
    });
    expect(resolveUploadType("text/html", PNG_1X1)).toMatchObject({ ok: false, reason: "mismatch" });
    expect(resolveUploadType("text/plain", text("<html><body>"))).toMatchObject({ ok: false, reason: "mismatch" });
    expect(resolveUploadType(undefined, bytes(0, 1, 2, 3))).toMatchObject({ ok: false, reason: "unsupported" });
    expect(resolveUploadType("text/plain", new Uint8Array(0))).toMatchObject({ ok: false, reason: "empty" });
  });

  it("shows inline only types that cannot run script from our origin", () => {
    for (const type of ["image/png", "text/plain", "video/mp4", "audio/mpeg"]) expect(isInlineSafe(type)).toBe(true);
    for (const type of ["text/html", "image/svg+xml", "application/xml", "application/pdf", "application/zip"]) {
      expect(isInlineSafe(type)).toBe(false);
    }
  });
});

describe("readImageInfo", () => {
  it("reads PNG, GIF, BMP, WebP and JPEG headers", () => {
    expect(readImageInfo(PNG_1X1)).toEqual({ format: "png", width: 1, height: 1 });
    expect(readImageInfo(text("GIF89a\x03\x00\x02\x00\x00\x00\x00"))).toEqual({ format: "gif", width: 3, height: 2 });
    const bmp = new Uint8Array(54);
    bmp.set(text("BM"));
    new DataView(bmp.buffer).setInt32(14, 40, true);
    new DataView(bmp.buffer).setInt32(18, 7, true);
    new DataView(bmp.buffer).setInt32(22, -5, true);
    expect(readImageInfo(bmp)).toEqual({ format: "bmp", width: 7, height: 5 });
    const webp = new Uint8Array(30);
    webp.set(text("RIFF\x00\x00\x00\x00WEBPVP8X"));
    webp.set([0x3f, 0x01, 0x00, 0xdf, 0x00, 0x00], 24); // 320 × 224, stored minus one
    expect(readImageInfo(webp)).toEqual({ format: "webp", width: 320, height: 224 });
    const jpeg = bytes(
      0xff,
      0xd8, // SOI
      0xff,
      0xe0,
      0x00,
      0x10,
      ...text("JFIF\x00"),
      1,
      1,
      0,
      0,
      1,
      0,
      1,
      0,
      0, // APP0, 16 bytes
      0xff,
      0xc0,
      0x00,
      0x11,
      0x08,
      0x01,
      0xe0,
      0x02,
      0x80,
      0x03, // SOF0: 480 high, 640 wide
    );
    expect(readImageInfo(jpeg)).toEqual({ format: "jpeg", width: 640, height: 480 });
  });

  it("returns null for truncated or foreign headers and never reads out of bounds", () => {
    expect(readImageInfo(PNG_1X1.subarray(0, 20))).toBeNull();
    expect(readImageInfo(bytes(0xff, 0xd8, 0xff, 0xe0, 0x00))).toBeNull();
    expect(readImageInfo(text("hello world, not an image"))).toBeNull();
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.constantFrom([], [0xff, 0xd8], [0x89, 0x50, 0x4e, 0x47]),
        (tail, prefix) => {
          const info = readImageInfo(Uint8Array.from([...prefix, ...tail]));
          return info === null || (Number.isInteger(info.width) && Number.isInteger(info.height));
        },
      ),
      { seed: 5, numRuns: 2_000 },
    );
  });
});

describe("sanitizeFileName", () => {
  it.each([
    ["../etc/passwd", "passwd"],
    ["a/b", "b"],
    ["C:\\Users\\me\\report.pdf", "report.pdf"],
    ["evil\u0000name.txt", "evilname.txt"],
    ["invoice\u202Efdp.exe", "invoicefdp.exe"],
    ["  ..hidden  ", "hidden"],
    ["", "file"],
    ["...", "file"],
    ["e\u0301te\u0301.txt", "\u00e9t\u00e9.txt"],
  ])("%j → %j", (input, output) => {
    expect(sanitizeFileName(input)).toBe(output);
  });

  it("caps long names at 200 code points, keeping the extension and whole surrogate pairs", () => {
    const long = sanitizeFileName(`${"😀".repeat(300)}.jpeg`);
    expect([...long].length).toBe(200);
    expect(long.endsWith(".jpeg")).toBe(true);
    expect(long.includes("\uFFFD")).toBe(false);
  });

  it("never yields separators, controls or bidi characters, and is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (name) => {
        const clean = sanitizeFileName(name);
        const points = [...clean].length;
        // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting that no control character survives
        const forbidden = /[/\\\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
        return points >= 1 && points <= 200 && !forbidden.test(clean) && sanitizeFileName(clean) === clean;
      }),
      { seed: 3, numRuns: 2_000 },
    );
  });
});

describe("contentDisposition", () => {
  it("gives an ASCII fallback and the exact UTF-8 name, with no header injection", () => {
    const value = contentDisposition("attachment", 'ré"sumé;\r\nSet-Cookie: x=1 日本.pdf');
    expect(value).not.toMatch(/[\r\n]/);
    expect(value.startsWith('attachment; filename="')).toBe(true);
    const encoded = /filename\*=UTF-8''(.+)$/.exec(value)?.[1] ?? "";
    expect(decodeURIComponent(encoded)).toBe(sanitizeFileName('ré"sumé;\r\nSet-Cookie: x=1 日本.pdf'));
    expect(/filename="([^"]*)"/.exec(value)?.[1]).toMatch(/^[\x20-\x7e]+$/);
    expect(contentDisposition("inline", "a.png")).toBe(`inline; filename="a.png"; filename*=UTF-8''a.png`);
  });
});

describe("parseByteRange", () => {
  it("handles ranges, open ranges, suffixes and the unsatisfiable", () => {
    expect(parseByteRange("bytes=0-499", 1000)).toEqual({ start: 0, end: 499 });
    expect(parseByteRange("bytes=500-", 1000)).toEqual({ start: 500, end: 999 });
    expect(parseByteRange("bytes=-500", 1000)).toEqual({ start: 500, end: 999 });
    expect(parseByteRange("bytes=-5000", 1000)).toEqual({ start: 0, end: 999 });
    expect(parseByteRange("bytes=900-5000", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseByteRange("bytes=1000-", 1000)).toBe("unsatisfiable");
    expect(parseByteRange("bytes=-0", 1000)).toBe("unsatisfiable");
    expect(parseByteRange("bytes=0-0", 0)).toBe("unsatisfiable");
  });

  it("ignores what it does not serve: malformed, reversed, other units, several ranges", () => {
    for (const header of [null, "", "bytes=", "bytes=-", "bytes=5-1", "items=0-1", "bytes=0-1,5-6", "bytes=abc"]) {
      expect(parseByteRange(header, 1000)).toBeNull();
    }
  });

  it("agrees with a reference model", () => {
    fc.assert(
      fc.property(fc.nat(2_000), fc.option(fc.nat(2_500)), fc.option(fc.nat(2_500)), (size, first, last) => {
        if (first === null && last === null) return true;
        const header = `bytes=${first ?? ""}-${last ?? ""}`;
        const actual = parseByteRange(header, size);
        let expected: ReturnType<typeof parseByteRange>;
        if (first === null) {
          expected =
            last === 0 || size === 0 ? "unsatisfiable" : { start: Math.max(0, size - (last ?? 0)), end: size - 1 };
        } else if (last !== null && last < first) expected = null;
        else if (first >= size) expected = "unsatisfiable";
        else expected = { start: first, end: Math.min(last ?? size - 1, size - 1) };
        expect(actual).toEqual(expected);
        return true;
      }),
      { seed: 9, numRuns: 2_000 },
    );
  });
});

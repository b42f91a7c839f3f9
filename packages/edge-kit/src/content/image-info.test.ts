// Tests for readImageInfo on tiny images built byte by byte, and on truncated or hostile headers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readImageInfo } from ".";

const latin1 = (value: string) => Array.from(value, (char) => char.charCodeAt(0));
const bytes = (...parts: (number | string | ArrayLike<number>)[]) =>
  Uint8Array.from(
    parts.flatMap((part) =>
      typeof part === "string" ? latin1(part) : typeof part === "number" ? [part] : Array.from(part),
    ),
  );
const u32be = (value: number) => [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
const u32le = (value: number) => u32be(value).reverse();
const u16le = (value: number) => [value & 0xff, (value >>> 8) & 0xff];

function crc32(data: readonly number[]): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: readonly number[]): number[] {
  const body = [...latin1(type), ...data];
  return [...u32be(data.length), ...body, ...u32be(crc32(body))];
}

/** A 1×1 8-bit greyscale PNG: IHDR, an IDAT holding a zlib stored block (filter 0, pixel 0), IEND. */
const IDAT_ZLIB = [0x78, 0x01, 0x01, 0x02, 0x00, 0xfd, 0xff, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01];
const PNG_1X1 = bytes(
  0x89,
  "PNG\r\n\x1a\n",
  pngChunk("IHDR", [...u32be(1), ...u32be(1), 8, 0, 0, 0, 0]),
  pngChunk("IDAT", IDAT_ZLIB),
  pngChunk("IEND", []),
);

/** A complete 3×2 GIF: two-colour table, one image, LZW data for the pixels 0 1 0 / 1 0 1. */
const GIF_3X2 = bytes("GIF89a", u16le(3), u16le(2), 0x80, 0, 0, [0, 0, 0, 255, 255, 255]);
const GIF_IMAGE = bytes(0x2c, u16le(0), u16le(0), u16le(3), u16le(2), 0, 2, 3, 0x44, 0x6c, 0x05, 0, 0x3b);

/** A 2×2 24-bit top-down BMP: 14-byte file header, 40-byte BITMAPINFOHEADER, rows padded to 4 bytes. */
function bmp(width: number, height: number): Uint8Array {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const pixels = rowBytes * Math.abs(height);
  return bytes(
    "BM",
    u32le(54 + pixels),
    u32le(0),
    u32le(54),
    u32le(40),
    u32le(width),
    u32le(height),
    u16le(1),
    u16le(24),
    u32le(0),
    u32le(pixels),
    u32le(2835),
    u32le(2835),
    u32le(0),
    u32le(0),
    new Array<number>(pixels).fill(0x7f),
  );
}

/** SOI, then a 16-byte APP0 JFIF segment ending in `fields`: version, density unit and values, thumbnail size. */
const jfifStart = (fields: readonly number[]) => bytes(0xff, 0xd8, [0xff, 0xe0, 0x00, 0x10], "JFIF\0", fields);

/** A 1×1 progressive JPEG: SOI, APP0 (JFIF), DQT whose 64 values are all 0xFF, SOF2, DHT, SOS. */
const JPEG_1X1 = bytes(
  jfifStart([1, 1, 1, 0, 0x48, 0, 0x48, 0, 0]),
  [0xff, 0xdb, 0x00, 0x43, 0x00],
  new Array<number>(64).fill(0xff),
  [0xff, 0xc2, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00],
  [0xff, 0xc4, 0x00, 0x14, 0x10, 0x01],
  new Array<number>(18).fill(0),
  [0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x01, 0x3f, 0x10],
);

/** A baseline JPEG header: SOI, APP0 (16 bytes), SOF0 declaring 480 rows of 640 pixels, 3 components. */
const JPEG_640X480 = bytes(
  jfifStart([1, 1, 0, 0, 1, 0, 1, 0, 0]),
  [0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03],
  [1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1],
);

/** Real 1×1 WebP files: lossy (VP8), lossless (VP8L). */
const WEBP_LOSSY = bytes(
  "RIFF",
  u32le(34),
  "WEBPVP8 ",
  u32le(22),
  [0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a],
  u16le(1),
  u16le(1),
  [0x0e, 0xc0, 0xfe, 0x25, 0xa4, 0x00, 0x03, 0x70, 0, 0, 0, 0],
);
const WEBP_LOSSLESS = bytes(
  "RIFF",
  u32le(26),
  "WEBPVP8L",
  u32le(13),
  [0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0],
);

describe("readImageInfo", () => {
  it("builds its PNG fixture correctly: the CRCs and the zlib data check out", async () => {
    expect(crc32(latin1("IEND"))).toBe(0xae426082);
    const inflated = new Response(
      new Blob([Uint8Array.from(IDAT_ZLIB)]).stream().pipeThrough(new DecompressionStream("deflate")),
    );
    expect(new Uint8Array(await inflated.arrayBuffer())).toEqual(Uint8Array.from([0, 0]));
  });

  it("reads PNG dimensions from IHDR", () => {
    expect(readImageInfo(PNG_1X1)).toEqual({ format: "png", width: 1, height: 1 });
    const wide = bytes(0x89, "PNG\r\n\x1a\n", pngChunk("IHDR", [...u32be(4000), ...u32be(3), 8, 6, 0, 0, 0]));
    expect(readImageInfo(wide)).toEqual({ format: "png", width: 4000, height: 3 });
  });

  it("reads the GIF logical screen", () => {
    expect(readImageInfo(bytes(GIF_3X2, GIF_IMAGE))).toEqual({ format: "gif", width: 3, height: 2 });
    expect(readImageInfo(bytes("GIF87a", u16le(300), u16le(200), 0, 0, 0))).toEqual({
      format: "gif",
      width: 300,
      height: 200,
    });
  });

  it("reads BMP headers; a top-down bitmap's negative height is reported as positive", () => {
    expect(readImageInfo(bmp(2, -2))).toEqual({ format: "bmp", width: 2, height: 2 });
    expect(readImageInfo(bmp(7, 5))).toEqual({ format: "bmp", width: 7, height: 5 });
    const os2 = bytes("BM", u32le(26), u32le(0), u32le(26), u32le(12), u16le(9), u16le(4), u16le(1), u16le(24));
    expect(readImageInfo(os2)).toEqual({ format: "bmp", width: 9, height: 4 });
  });

  it("reads WebP: lossy VP8, lossless VP8L and extended VP8X", () => {
    expect(readImageInfo(WEBP_LOSSY)).toEqual({ format: "webp", width: 1, height: 1 });
    expect(readImageInfo(WEBP_LOSSLESS)).toEqual({ format: "webp", width: 1, height: 1 });
    // VP8L packs width − 1 and height − 1 into 14 bits each: 16384 × 9 is 0x3FFF and 8.
    const bits = 0x3fff | (8 << 14);
    const lossless = bytes("RIFF", u32le(26), "WEBPVP8L", u32le(13), 0x2f, u32le(bits), new Array<number>(8).fill(0));
    expect(readImageInfo(lossless)).toEqual({ format: "webp", width: 16384, height: 9 });
    // VP8X stores canvas width − 1 and height − 1 as 24-bit fields: 320 × 224 and 16 777 216 × 1.
    const vp8x = (w: number, h: number) =>
      bytes(
        "RIFF",
        u32le(22),
        "WEBPVP8X",
        u32le(10),
        0x10,
        0,
        0,
        0,
        u32le(w - 1).slice(0, 3),
        u32le(h - 1).slice(0, 3),
      );
    expect(readImageInfo(vp8x(320, 224))).toEqual({ format: "webp", width: 320, height: 224 });
    expect(readImageInfo(vp8x(2 ** 24, 1))).toEqual({ format: "webp", width: 2 ** 24, height: 1 });
  });

  it("reads JPEG by walking to the first frame header, past APPn, DQT and fill bytes", () => {
    expect(readImageInfo(JPEG_640X480)).toEqual({ format: "jpeg", width: 640, height: 480 });
    expect(readImageInfo(JPEG_1X1)).toEqual({ format: "jpeg", width: 1, height: 1 });
    const padded = bytes(0xff, 0xd8, 0xff, 0xff, 0xff, JPEG_640X480.subarray(2));
    expect(readImageInfo(padded)).toEqual({ format: "jpeg", width: 640, height: 480 });
  });

  it("skips DHT, JPG and DAC, which sit among the SOFn codes but are not frame headers", () => {
    for (const marker of [0xc4, 0xc8, 0xcc]) {
      const decoy = bytes(0xff, 0xd8, 0xff, marker, 0x00, 0x07, 0x08, 0x00, 0x10, 0x00, 0x20);
      expect(readImageInfo(bytes(decoy, JPEG_640X480.subarray(2)))).toEqual({
        format: "jpeg",
        width: 640,
        height: 480,
      });
    }
    for (const marker of [0xc1, 0xc3, 0xc5, 0xcf]) {
      const frame = bytes(0xff, 0xd8, 0xff, marker, 0x00, 0x0b, 0x08, 0x00, 0x02, 0x00, 0x03, 0x01, 1, 0x11, 0);
      expect(readImageInfo(frame)).toEqual({ format: "jpeg", width: 3, height: 2 });
    }
  });

  it("returns null when the head ends first, at every cut of every fixture", () => {
    const fixtures: [Uint8Array, number][] = [
      [PNG_1X1, 24],
      [bytes(GIF_3X2), 10],
      [bmp(2, -2), 26],
      [WEBP_LOSSY, 30],
      [WEBP_LOSSLESS, 25],
      [JPEG_640X480, 2 + 18 + 9],
      [JPEG_1X1, 2 + 18 + 69 + 9],
    ];
    for (const [image, needed] of fixtures) {
      for (let cut = 0; cut < needed; cut++) expect(readImageInfo(image.subarray(0, cut))).toBeNull();
      expect(readImageInfo(image.subarray(0, needed))).not.toBeNull();
    }
  });

  it("returns null for foreign, zero-sized or broken headers", () => {
    expect(readImageInfo(new TextEncoder().encode("hello world, not an image at all"))).toBeNull();
    expect(
      readImageInfo(bytes(0x89, "PNG\r\n\x1a\n", pngChunk("IHDR", [...u32be(0), ...u32be(1), 8, 0, 0, 0, 0]))),
    ).toBeNull();
    expect(
      readImageInfo(bytes(0x89, "PNG\r\n\x1a\n", pngChunk("IHDR", [...u32be(2 ** 31), ...u32be(1), 8, 0, 0, 0, 0]))),
    ).toBeNull();
    expect(readImageInfo(bytes(0x89, "PNG\r\n\x1a\n", pngChunk("IDAT", new Array<number>(13).fill(0))))).toBeNull();
    expect(readImageInfo(bytes(0xff, 0xd8, 0xff, 0xd9))).toBeNull(); // EOI before any frame
    expect(readImageInfo(bytes(0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 1, 0, 1, 0x3f, 0))).toBeNull(); // scan first
    expect(readImageInfo(bytes(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, 0, 0, 0, 0, 0, 0))).toBeNull(); // length < 2
    expect(readImageInfo(bytes(0xff, 0xd8, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0))).toBeNull(); // not a marker
    expect(readImageInfo(bytes(0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0x02, 0x80, 3))).toBeNull(); // height 0
    expect(readImageInfo(bytes("BM", u32le(0), u32le(0), u32le(54), u32le(20), u32le(2), u32le(2)))).toBeNull();
    expect(
      readImageInfo(bytes("RIFF", u32le(20), "WEBPVP8 ", u32le(10), 0, 0, 0, 0x12, 0x34, 0x56, 1, 0, 1, 0)),
    ).toBeNull();
  });

  it("never throws and only reports positive integer sizes, whatever follows a signature", () => {
    const prefixes = [
      [],
      [0xff, 0xd8],
      [0xff, 0xd8, 0xff, 0xc0],
      [...PNG_1X1.subarray(0, 16)],
      latin1("GIF89a"),
      latin1("BM"),
      latin1("RIFF\0\0\0\0WEBPVP8"),
      latin1("RIFF\0\0\0\0WEBPVP8X"),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 96 }), (prefix, tail) => {
        const info = readImageInfo(bytes(prefix, tail));
        if (info !== null) {
          expect(Number.isSafeInteger(info.width) && info.width > 0).toBe(true);
          expect(Number.isSafeInteger(info.height) && info.height > 0).toBe(true);
        }
      }),
      { seed: 5, numRuns: 3_000 },
    );
  });
});

// Image format and dimensions from header bytes only: PNG, GIF, BMP, WebP and JPEG; never throws.

export interface ImageInfo {
  format: "png" | "jpeg" | "gif" | "webp" | "bmp";
  width: number;
  height: number;
}

// Readers for fixed-width integers. Callers check the length first; `?? 0` only satisfies the type checker.
function u16be(b: Uint8Array, i: number): number {
  return ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
}
function u16le(b: Uint8Array, i: number): number {
  return (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
}
function u24le(b: Uint8Array, i: number): number {
  return (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16);
}
function u32be(b: Uint8Array, i: number): number {
  return (((b[i] ?? 0) << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0)) >>> 0;
}
function u32le(b: Uint8Array, i: number): number {
  return i32le(b, i) >>> 0;
}
function i32le(b: Uint8Array, i: number): number {
  return (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24);
}
function tag(b: Uint8Array, i: number, text: string): boolean {
  for (let k = 0; k < text.length; k++) if (b[i + k] !== text.charCodeAt(k)) return false;
  return true;
}

function sized(format: ImageInfo["format"], width: number, height: number): ImageInfo | null {
  return width > 0 && height > 0 ? { format, width, height } : null;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** PNG limits both dimensions to 2^31 − 1 (PNG §11.2.2). */
const PNG_MAX = 0x7fffffff;

function png(b: Uint8Array): ImageInfo | null {
  if (b.length < 24 || !tag(b, 12, "IHDR")) return null;
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  return width <= PNG_MAX && height <= PNG_MAX ? sized("png", width, height) : null;
}

function bmp(b: Uint8Array): ImageInfo | null {
  if (b.length < 18) return null;
  const headerSize = u32le(b, 14);
  // BITMAPCOREHEADER (OS/2): unsigned 16-bit width and height.
  if (headerSize === 12) return b.length >= 22 ? sized("bmp", u16le(b, 18), u16le(b, 20)) : null;
  // BITMAPINFOHEADER and its successors: signed 32-bit; a negative height means rows run top-down.
  if (headerSize < 40 || headerSize > 124 || b.length < 26) return null;
  return sized("bmp", i32le(b, 18), Math.abs(i32le(b, 22)));
}

function webp(b: Uint8Array): ImageInfo | null {
  // Simple lossy: frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height (2 scale bits).
  if (tag(b, 12, "VP8 ")) {
    if (b.length < 30 || b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return sized("webp", u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
  }
  // Lossless: signature 0x2F, then width − 1 and height − 1 as 14-bit fields.
  if (tag(b, 12, "VP8L")) {
    if (b.length < 25 || b[20] !== 0x2f) return null;
    const bits = u32le(b, 21);
    return sized("webp", (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  // Extended: flags and reserved bytes, then canvas width − 1 and height − 1 as 24-bit fields.
  if (tag(b, 12, "VP8X")) return b.length >= 30 ? sized("webp", u24le(b, 24) + 1, u24le(b, 27) + 1) : null;
  return null;
}

/** Start-of-frame markers SOF0…SOF15, which are C0…CF except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Walks the marker segments after SOI to the first frame header; null when the head ends first. */
function jpeg(b: Uint8Array): ImageInfo | null {
  let i = 2;
  while (i + 1 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1] ?? 0;
    if (marker === 0xff) {
      i++; // fill byte before a marker
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2; // TEM, RST0…RST7 and SOI stand alone, without a length
      continue;
    }
    // EOI, or start of scan before any frame header, or a stuffed zero: there is no frame to find.
    if (marker === 0xd9 || marker === 0xda || marker === 0x00) return null;
    if (i + 3 >= b.length) return null;
    const length = u16be(b, i + 2);
    if (length < 2) return null;
    if (isStartOfFrame(marker)) {
      // Length, precision (1 byte), height, width: the last width byte is at i + 8.
      if (length < 8 || i + 8 >= b.length) return null;
      return sized("jpeg", u16be(b, i + 7), u16be(b, i + 5));
    }
    i += 2 + length;
  }
  return null;
}

/**
 * The format and pixel size an image's first bytes declare: PNG (IHDR), GIF (logical screen), BMP (DIB
 * header; a top-down bitmap's negative height is reported as positive), WebP (VP8, VP8L, VP8X) and JPEG
 * (the first SOFn frame header). Null for other formats, zero sizes, or a head that ends too early.
 *
 * @example
 * readImageInfo(pngBytes); // { format: "png", width: 1, height: 1 }
 * readImageInfo(new Uint8Array([0xff, 0xd8, 0xff])); // null: the head ends before the frame header
 */
export function readImageInfo(head: Uint8Array): ImageInfo | null {
  const b = head;
  if (PNG_SIGNATURE.every((byte, i) => b[i] === byte)) return png(b);
  if (tag(b, 0, "GIF87a") || tag(b, 0, "GIF89a")) return b.length >= 10 ? sized("gif", u16le(b, 6), u16le(b, 8)) : null;
  if (tag(b, 0, "BM")) return bmp(b);
  if (tag(b, 0, "RIFF") && tag(b, 8, "WEBP")) return webp(b);
  if (b[0] === 0xff && b[1] === 0xd8) return jpeg(b);
  return null;
}

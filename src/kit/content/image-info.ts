// Image format and dimensions from header bytes only: PNG, GIF, BMP, WebP and JPEG; never throws.

export interface ImageInfo {
  format: "png" | "jpeg" | "gif" | "webp" | "bmp";
  width: number;
  height: number;
}

function u16be(b: Uint8Array, i: number) {
  return ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
}
function u16le(b: Uint8Array, i: number) {
  return (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
}
function u24le(b: Uint8Array, i: number) {
  return (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16);
}
function u32be(b: Uint8Array, i: number) {
  return (((b[i] ?? 0) << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0)) >>> 0;
}
function i32le(b: Uint8Array, i: number) {
  return (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24);
}
function tag(b: Uint8Array, i: number, text: string) {
  for (let k = 0; k < text.length; k++) if (b[i + k] !== text.charCodeAt(k)) return false;
  return true;
}

function jpeg(b: Uint8Array): ImageInfo | null {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1] ?? 0;
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    const length = u16be(b, i + 2);
    if (length < 2) return null;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const height = u16be(b, i + 5);
      const width = u16be(b, i + 7);
      return width > 0 && height > 0 ? { format: "jpeg", width, height } : null;
    }
    i += 2 + length;
  }
  return null;
}

/**
 * @example
 * readImageInfo(pngBytes); // { format: "png", width: 1, height: 1 }
 */
export function readImageInfo(head: Uint8Array): ImageInfo | null {
  const b = head;
  if (b.length >= 24 && b[0] === 0x89 && tag(b, 1, "PNG") && tag(b, 12, "IHDR")) {
    return { format: "png", width: u32be(b, 16), height: u32be(b, 20) };
  }
  if (b.length >= 10 && (tag(b, 0, "GIF87a") || tag(b, 0, "GIF89a"))) {
    return { format: "gif", width: u16le(b, 6), height: u16le(b, 8) };
  }
  if (b.length >= 26 && tag(b, 0, "BM")) {
    const headerSize = i32le(b, 14);
    if (headerSize === 12) return { format: "bmp", width: u16le(b, 18), height: u16le(b, 20) };
    if (headerSize >= 40) return { format: "bmp", width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) };
    return null;
  }
  if (b.length >= 30 && tag(b, 0, "RIFF") && tag(b, 8, "WEBP")) {
    if (tag(b, 12, "VP8 ") && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
      return { format: "webp", width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
    }
    if (tag(b, 12, "VP8L") && b[20] === 0x2f) {
      const bits = (b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24);
      return { format: "webp", width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    if (tag(b, 12, "VP8X")) return { format: "webp", width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
    return null;
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return jpeg(b);
  return null;
}

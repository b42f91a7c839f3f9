// Content sniffing: what the first bytes of a file say it is, whatever its name or declared type.

export type ContentFamily = "image" | "video" | "audio" | "document" | "archive" | "text" | "unknown";

export interface SniffResult {
  type: string;
  family: ContentFamily;
}

const ascii = (bytes: Uint8Array, offset: number, text: string) => {
  if (bytes.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
};

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) =>
  bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);

const MP4_BRANDS = /^(isom|iso[2-9]|mp41|mp42|avc1|M4V |M4A |dash|mmp4|3gp[0-9]|3g2[a-z]|f4v )$/;

function sniffBinary(bytes: Uint8Array): SniffResult | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { type: "image/png", family: "image" };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { type: "image/jpeg", family: "image" };
  if (ascii(bytes, 0, "GIF87a") || ascii(bytes, 0, "GIF89a")) return { type: "image/gif", family: "image" };
  if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WEBP")) return { type: "image/webp", family: "image" };
  if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WAVE")) return { type: "audio/wav", family: "audio" };
  if (
    ascii(bytes, 0, "BM") &&
    bytes.length >= 26 &&
    bytes[14] !== undefined &&
    [12, 40, 52, 56, 108, 124].includes(bytes[14])
  )
    return { type: "image/bmp", family: "image" };
  if (ascii(bytes, 0, "%PDF-")) return { type: "application/pdf", family: "document" };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]))
    return { type: "application/zip", family: "archive" };
  if (startsWith(bytes, [0x1f, 0x8b])) return { type: "application/gzip", family: "archive" };
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return { type: "video/webm", family: "video" };
  if (ascii(bytes, 0, "OggS")) return { type: "audio/ogg", family: "audio" };
  if (ascii(bytes, 4, "ftyp") && bytes.length >= 12) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (brand === "qt  ") return { type: "video/quicktime", family: "video" };
    if (brand === "avif" || brand === "avis") return { type: "image/avif", family: "image" };
    if (MP4_BRANDS.test(brand)) return { type: "video/mp4", family: "video" };
  }
  if (ascii(bytes, 0, "ID3")) return { type: "audio/mpeg", family: "audio" };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] !== undefined && [0xfb, 0xf3, 0xf2].includes(bytes[1]))
    return { type: "audio/mpeg", family: "audio" };
  return null;
}

/** Valid UTF-8 with no control bytes but tab, LF, FF, CR and ESC; a sequence cut at the end is allowed. */
export function looksLikeText(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i] ?? 0;
    if (byte < 0x80) {
      if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d && byte !== 0x1b)
        return false;
      if (byte === 0x7f) return false;
      i++;
      continue;
    }
    const length = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 && byte <= 0xdf ? 2 : 0;
    if (length === 0 || byte > 0xf4) return false;
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length) return true; // truncated at the end of the sample
      const next = bytes[i + k] ?? 0;
      if ((next & 0xc0) !== 0x80) return false;
    }
    i += length;
  }
  return true;
}

const HTML_TAGS = [
  "!doctype html",
  "html",
  "head",
  "script",
  "iframe",
  "h1",
  "div",
  "font",
  "table",
  "a",
  "style",
  "title",
  "b",
  "body",
  "br",
  "p",
  "!--",
];

function sniffMarkup(text: string): SniffResult {
  const trimmed = text
    .replace(/^\uFEFF/, "")
    .trimStart()
    .toLowerCase();
  for (const tag of HTML_TAGS) {
    if (trimmed.startsWith(`<${tag}`)) {
      const after = trimmed.charAt(tag.length + 1);
      if (
        after === " " ||
        after === ">" ||
        after === "\t" ||
        after === "\n" ||
        after === "\r" ||
        (tag === "!--" && after !== "")
      ) {
        if (tag === "!--" && trimmed.slice(0, 1024).includes("<svg")) return { type: "image/svg+xml", family: "image" };
        return { type: "text/html", family: "text" };
      }
    }
  }
  if (trimmed.startsWith("<")) {
    const head = trimmed.slice(0, 1024);
    if (/<svg[\s>]/.test(head)) return { type: "image/svg+xml", family: "image" };
    if (trimmed.startsWith("<?xml")) return { type: "application/xml", family: "text" };
  }
  return { type: "text/plain", family: "text" };
}

/**
 * The type the bytes themselves declare: magic numbers first, then text (UTF-8, no control bytes),
 * distinguishing HTML, SVG and XML the way browsers would sniff them (WHATWG MIME Sniffing).
 *
 * @example
 * sniffContentType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10])); // { type: "image/png", family: "image" }
 */
export function sniffContentType(head: Uint8Array): SniffResult {
  if (head.length === 0) return { type: "application/x-empty", family: "unknown" };
  const binary = sniffBinary(head);
  if (binary) return binary;
  if (!looksLikeText(head)) return { type: "application/octet-stream", family: "unknown" };
  return sniffMarkup(new TextDecoder().decode(head));
}

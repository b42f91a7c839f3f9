// Content sniffing: what the first bytes of a file say it is, whatever its name or declared type.
import { looksLikeText } from "./looks-like-text";

export type ContentFamily = "image" | "video" | "audio" | "document" | "archive" | "text" | "unknown";

export interface SniffResult {
  type: string;
  family: ContentFamily;
}

/** How far into markup (after leading whitespace) an `<svg` root is looked for. */
const MARKUP_WINDOW = 1024;

function ascii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

function u32(bytes: Uint8Array, offset: number, littleEndian: boolean): number {
  const [a = 0, b = 0, c = 0, d = 0] = bytes.subarray(offset, offset + 4);
  return littleEndian ? (a | (b << 8) | (c << 16) | (d << 24)) >>> 0 : ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** ISO BMFF brands of MP4-family video (major or compatible brand): isom, iso2…, mp4*, avc1, M4V, dash… */
const MP4_BRAND = /^(isom|iso[2-9]|mp4.|avc1|M4V.|M4A |dash|mmp4|MSNV|3gp[4-9]|3g2[a-c]|f4v )$/;
const BITMAP_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

/** An ISO BMFF file starts with an `ftyp` box: size, "ftyp", major brand, minor version, compatible brands. */
function sniffIsoMedia(bytes: Uint8Array): SniffResult | null {
  if (bytes.length < 12 || !ascii(bytes, 4, "ftyp")) return null;
  const boxSize = u32(bytes, 0, false);
  // A real ftyp box is small and 4-aligned; this also keeps text like "abcdftypisom" out.
  if (boxSize < 12 || boxSize > 4096 || boxSize % 4 !== 0) return null;
  const brands = [String.fromCharCode(...bytes.subarray(8, 12))];
  for (let offset = 16; offset + 4 <= Math.min(boxSize, bytes.length); offset += 4) {
    brands.push(String.fromCharCode(...bytes.subarray(offset, offset + 4)));
  }
  const [major] = brands;
  if (major === "qt  ") return { type: "video/quicktime", family: "video" };
  if (major === "avif" || major === "avis") return { type: "image/avif", family: "image" };
  if (major !== undefined && MP4_BRAND.test(major)) return { type: "video/mp4", family: "video" };
  const compatible = brands.slice(1);
  if (compatible.some((brand) => brand === "avif" || brand === "avis")) return { type: "image/avif", family: "image" };
  if (compatible.some((brand) => MP4_BRAND.test(brand))) return { type: "video/mp4", family: "video" };
  if (compatible.includes("qt  ")) return { type: "video/quicktime", family: "video" };
  return null;
}

function sniffBinary(bytes: Uint8Array): SniffResult | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { type: "image/png", family: "image" };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { type: "image/jpeg", family: "image" };
  if (ascii(bytes, 0, "GIF87a") || ascii(bytes, 0, "GIF89a")) return { type: "image/gif", family: "image" };
  if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WEBP")) return { type: "image/webp", family: "image" };
  if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WAVE")) return { type: "audio/wav", family: "audio" };
  // "BM" alone is too common in text; the DIB header size that follows the 14-byte file header is not.
  if (ascii(bytes, 0, "BM") && bytes.length >= 18 && BITMAP_HEADER_SIZES.has(u32(bytes, 14, true))) {
    return { type: "image/bmp", family: "image" };
  }
  if (ascii(bytes, 0, "%PDF-")) return { type: "application/pdf", family: "document" };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    return { type: "application/zip", family: "archive" };
  }
  if (startsWith(bytes, [0x1f, 0x8b])) return { type: "application/gzip", family: "archive" };
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return { type: "video/webm", family: "video" };
  if (ascii(bytes, 0, "OggS")) return { type: "audio/ogg", family: "audio" };
  const isoMedia = sniffIsoMedia(bytes);
  if (isoMedia) return isoMedia;
  if (ascii(bytes, 0, "ID3")) return { type: "audio/mpeg", family: "audio" };
  if (bytes[0] === 0xff && (bytes[1] === 0xfb || bytes[1] === 0xf3 || bytes[1] === 0xf2)) {
    return { type: "audio/mpeg", family: "audio" };
  }
  return null;
}

/** WHATWG MIME Sniffing §7.1 "identify an unknown MIME type": tags that make a text HTML. */
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
];

/** Offset of the first byte after a UTF-8 BOM and HTTP whitespace (tab, LF, FF, CR, space). */
function skipLeadingWhitespace(bytes: Uint8Array): number {
  let i = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < bytes.length) {
    const byte = bytes[i];
    if (byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d && byte !== 0x20) break;
    i++;
  }
  return i;
}

function startsWithHtmlTag(markup: string): boolean {
  if (markup.startsWith("<!--")) return true;
  return HTML_TAGS.some((tag) => {
    if (!markup.startsWith(`<${tag}`)) return false;
    // Spec: a space or ">"; other whitespace too, since calling more things HTML only ever refuses more.
    return /^[ \t\n\f\r>]$/.test(markup.charAt(tag.length + 1));
  });
}

/** `<svg` as an element: followed by whitespace, ">", "/", ":" (a prefix) or the end of the window. */
const SVG_ELEMENT = /<svg(?:[\s>/:]|$)/;

/** The markup after any XML declaration, processing instructions, comments and a non-HTML doctype. */
function afterProlog(markup: string): string {
  let rest = markup.trimStart();
  for (;;) {
    let close: string | undefined;
    if (rest.startsWith("<?")) close = "?>";
    else if (rest.startsWith("<!--")) close = "-->";
    else if (rest.startsWith("<!doctype") && !rest.startsWith("<!doctype html")) close = ">";
    const at = close === undefined ? -1 : rest.indexOf(close);
    if (close === undefined || at < 0) return rest;
    rest = rest.slice(at + close.length).trimStart();
  }
}

function sniffText(bytes: Uint8Array): SniffResult {
  const start = skipLeadingWhitespace(bytes);
  if (bytes[start] !== 0x3c) return { type: "text/plain", family: "text" }; // not markup: no leading "<"
  const markup = new TextDecoder().decode(bytes.subarray(start, start + MARKUP_WINDOW)).toLowerCase();
  // The root element decides first, so a comment or doctype before an <svg> root does not make it HTML.
  if (SVG_ELEMENT.test(afterProlog(markup).slice(0, 5))) return { type: "image/svg+xml", family: "image" };
  if (startsWithHtmlTag(markup)) return { type: "text/html", family: "text" };
  // An XML declaration or doctype (possibly with an internal subset the prolog skip cannot follow).
  if ((markup.startsWith("<?xml") || markup.startsWith("<!doctype")) && SVG_ELEMENT.test(markup)) {
    return { type: "image/svg+xml", family: "image" };
  }
  if (markup.startsWith("<?xml")) return { type: "application/xml", family: "text" };
  return { type: "text/plain", family: "text" };
}

/**
 * The type the bytes themselves declare: magic numbers first, then text (UTF-8, no binary control bytes),
 * telling HTML, SVG and XML apart the way browsers would sniff them (WHATWG MIME Sniffing). Bytes that are
 * neither are `application/octet-stream` of family "unknown"; no bytes at all are `application/x-empty`.
 *
 * @example
 * sniffContentType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10])); // { type: "image/png", family: "image" }
 * sniffContentType(new TextEncoder().encode("<!doctype html>")); // { type: "text/html", family: "text" }
 */
export function sniffContentType(head: Uint8Array): SniffResult {
  if (head.length === 0) return { type: "application/x-empty", family: "unknown" };
  const binary = sniffBinary(head);
  if (binary) return binary;
  return looksLikeText(head) ? sniffText(head) : { type: "application/octet-stream", family: "unknown" };
}

// Which uploads are accepted, as what type, and which types may be shown inline from our origin.
import { sniffContentType } from "./sniff-content-type";

/** How many leading bytes callers should collect before deciding. */
export const SNIFF_BYTES = 4096;

/** Types a text/plain sniff may be stored as, when the uploader declares them. */
const TEXT_REFINEMENTS = new Set(["text/plain", "text/markdown", "text/csv", "application/json"]);
/** Stored types whose bytes are UTF-8 text (served with a charset; read as text by analysis). */
const TEXT_TYPES = new Set([...TEXT_REFINEMENTS, "text/html", "application/xml"]);
/** Raster images: browsers render them without running anything. */
const RASTER_IMAGES = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/avif"];
/** Audio and video that browsers play natively (QuickTime is accepted but not among them). */
const PLAYABLE_MEDIA = ["video/mp4", "video/webm", "audio/mpeg", "audio/wav", "audio/ogg"];
const ALLOWED = new Set([
  ...TEXT_TYPES,
  ...RASTER_IMAGES,
  "image/svg+xml",
  "application/pdf",
  "application/zip",
  "application/gzip",
  ...PLAYABLE_MEDIA,
  "video/quicktime",
]);
/** Rendered by the browser without running script from our origin. Never HTML, SVG, XML, PDF or archives. */
const INLINE = new Set([...RASTER_IMAGES, ...TEXT_REFINEMENTS, ...PLAYABLE_MEDIA]);
/**
 * Non-standard names browsers and operating systems declare for the same formats (Windows sends
 * application/x-zip-compressed for .zip, many send audio/x-wav or image/jpg); each maps to the name the
 * sniffer reports, so they are not mistaken for a mismatch.
 */
const ALIASES = new Map([
  ["image/jpg", "image/jpeg"],
  ["image/pjpeg", "image/jpeg"],
  ["image/x-png", "image/png"],
  ["image/x-bmp", "image/bmp"],
  ["image/x-ms-bmp", "image/bmp"],
  ["audio/mp3", "audio/mpeg"],
  ["audio/x-mp3", "audio/mpeg"],
  ["audio/mpeg3", "audio/mpeg"],
  ["audio/x-mpeg", "audio/mpeg"],
  ["audio/x-wav", "audio/wav"],
  ["audio/wave", "audio/wav"],
  ["audio/vnd.wave", "audio/wav"],
  ["audio/mp4", "video/mp4"],
  ["audio/x-m4a", "video/mp4"],
  ["video/x-m4v", "video/mp4"],
  ["audio/webm", "video/webm"],
  ["application/x-zip-compressed", "application/zip"],
  ["application/x-zip", "application/zip"],
  ["application/x-gzip", "application/gzip"],
  ["application/x-pdf", "application/pdf"],
  ["text/xml", "application/xml"],
  ["text/x-markdown", "text/markdown"],
  ["text/x-csv", "text/csv"],
]);

export type UploadTypeDecision =
  | { ok: true; type: string; inline: boolean }
  | { ok: false; reason: "unsupported" | "mismatch" | "empty"; detected: string };

/** RFC 9110 token characters, as used in a media type's type and subtype. */
const MEDIA_TYPE = /^[a-z0-9!#$%&'*+.^_`|~-]+\/[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** A MIME type's essence (no parameters, lower-cased); anything that is not `type/subtype` is absent. */
function essence(value: string | null | undefined): string | undefined {
  const type = value?.split(";")[0]?.trim().toLowerCase();
  if (!type || !MEDIA_TYPE.test(type) || type.includes("*")) return undefined;
  return type;
}

/**
 * Whether a stored type is UTF-8 text: plain, Markdown, CSV, JSON, HTML or XML.
 *
 * @example
 * isTextType("text/csv; charset=utf-8"); // true
 */
export function isTextType(type: string): boolean {
  return TEXT_TYPES.has(essence(type) ?? "");
}

/**
 * Whether a stored type may be served `inline` from the app's origin: images other than SVG, plain text
 * and its refinements, audio and video. Parameters and case are ignored.
 *
 * @example
 * isInlineSafe("image/png"); // true
 * isInlineSafe("image/svg+xml"); // false: SVG can carry script
 */
export function isInlineSafe(type: string): boolean {
  return INLINE.has(essence(type) ?? "");
}

/**
 * Decides an upload's stored type from its first bytes (collect `SNIFF_BYTES`) and the declared type: the
 * bytes win; a declared type may only refine plain text (Markdown, CSV, JSON); any other disagreement is a
 * mismatch. An absent, unparsable or `application/octet-stream` declaration defers to the bytes.
 *
 * @example
 * resolveUploadType(undefined, pngHead); // { ok: true, type: "image/png", inline: true }
 * resolveUploadType("text/csv", new TextEncoder().encode("a,b\n1,2")); // { ok: true, type: "text/csv", inline: true }
 * resolveUploadType("image/png", new TextEncoder().encode("<!doctype html>…")); // { ok: false, reason: "mismatch", detected: "text/html" }
 */
export function resolveUploadType(declared: string | null | undefined, head: Uint8Array): UploadTypeDecision {
  const detected = sniffContentType(head);
  if (head.length === 0) return { ok: false, reason: "empty", detected: detected.type };
  if (detected.family === "unknown" || !ALLOWED.has(detected.type)) {
    return { ok: false, reason: "unsupported", detected: detected.type };
  }
  const parsed = essence(declared);
  const claimed = parsed === undefined ? undefined : (ALIASES.get(parsed) ?? parsed);
  let type = detected.type;
  if (claimed !== undefined && claimed !== "application/octet-stream" && claimed !== detected.type) {
    if (detected.type === "text/plain" && TEXT_REFINEMENTS.has(claimed)) type = claimed;
    else return { ok: false, reason: "mismatch", detected: detected.type };
  }
  return { ok: true, type, inline: INLINE.has(type) };
}

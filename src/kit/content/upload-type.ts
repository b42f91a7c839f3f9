// Which uploads are accepted, as what type, and which types may be shown inline from our origin.
import { sniffContentType } from "./sniff-content-type";

/** How many leading bytes callers should collect before deciding. */
export const SNIFF_BYTES = 4096;

const TEXT_ALIASES = new Set(["text/plain", "text/markdown", "text/csv", "application/json"]);
/** Stored types whose bytes are UTF-8 text (served with a charset; read as text by analysis). */
const TEXT_TYPES = new Set([...TEXT_ALIASES, "text/html", "application/xml"]);
const ALLOWED = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/bmp",
  "image/avif",
  "image/svg+xml",
  "application/pdf",
  "application/zip",
  "application/gzip",
  "video/mp4",
  "video/webm",
  "video/quicktime",
  "audio/mpeg",
  "audio/wav",
  "audio/ogg",
  "text/plain",
  "text/markdown",
  "text/csv",
  "application/json",
  "text/html",
  "application/xml",
]);
const INLINE = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/bmp",
  "image/avif",
  "text/plain",
  "text/markdown",
  "text/csv",
  "application/json",
  "video/mp4",
  "video/webm",
  "audio/mpeg",
  "audio/wav",
  "audio/ogg",
]);

export type UploadTypeDecision =
  | { ok: true; type: string; inline: boolean }
  | { ok: false; reason: "unsupported" | "mismatch" | "empty"; detected: string };

/** A MIME type without parameters, lower-cased; anything that is not `type/subtype` counts as absent. */
function essence(declared: string | null | undefined): string | undefined {
  const value = declared?.split(";")[0]?.trim().toLowerCase();
  return value && /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(value) ? value : undefined;
}

/** Whether a stored type is UTF-8 text: plain, Markdown, CSV, JSON, HTML or XML. */
export function isTextType(type: string): boolean {
  return TEXT_TYPES.has(essence(type) ?? "");
}

/** Types safe to render from the app's origin (never HTML, SVG, XML, PDF or archives). */
export function isInlineSafe(type: string): boolean {
  return INLINE.has(essence(type) ?? "");
}

/**
 * Decides an upload's stored type from its first bytes and the declared type: the bytes win; a declared
 * type may only refine plain text (markdown, CSV, JSON); any other disagreement is a mismatch.
 *
 * @example
 * resolveUploadType("image/png", new TextEncoder().encode("<!doctype html>…")); // { ok: false, reason: "mismatch", detected: "text/html" }
 */
export function resolveUploadType(declared: string | null | undefined, head: Uint8Array): UploadTypeDecision {
  if (head.length === 0) return { ok: false, reason: "empty", detected: "application/x-empty" };
  const detected = sniffContentType(head);
  if (detected.family === "unknown" || !ALLOWED.has(detected.type)) {
    return { ok: false, reason: "unsupported", detected: detected.type };
  }
  const claimed = essence(declared);
  let type = detected.type;
  if (claimed !== undefined && claimed !== "application/octet-stream" && claimed !== detected.type) {
    if (detected.type === "text/plain" && TEXT_ALIASES.has(claimed)) type = claimed;
    else return { ok: false, reason: "mismatch", detected: detected.type };
  }
  return { ok: true, type, inline: INLINE.has(type) };
}

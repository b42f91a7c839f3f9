// What the files page needs to know about a file's type and state: its category (for the type filter), the short
// emblem shown instead of a thumbnail, whether it can be previewed, and which statuses still change.
import type { components } from "../../api/openapi";
import { fileExtension } from "../../lib/format";

export type FileView = components["schemas"]["File"];
export type ShareLink = components["schemas"]["ShareLink"];
export type FileStatus = FileView["status"];

/** Statuses that move on by themselves: the list polls while any file is in one. */
export const TRANSIENT: readonly FileStatus[] = ["uploading", "stored", "analysing"];
export const isTransient = (file: Pick<FileView, "status">) => TRANSIENT.includes(file.status);

export const STATUS_TEXT: Record<FileStatus, string> = {
  uploading: "Uploading",
  stored: "Queued for analysis",
  analysing: "Analysing",
  ready: "Ready",
  failed: "Analysis failed",
  skipped: "Stored (no analysis)",
};

/** The list's shorter words for the same statuses (the panel says them in full). */
export const STATUS_SHORT: Record<FileStatus, string> = {
  uploading: "Uploading",
  stored: "Queued",
  analysing: "Analysing",
  ready: "Ready",
  failed: "Failed",
  skipped: "Stored",
};

export type Category = "images" | "documents" | "media" | "other";

export const CATEGORY_LABELS: Record<Category, string> = {
  images: "Images",
  documents: "Documents",
  media: "Audio and video",
  other: "Other",
};

const DOCUMENTS = new Set(["application/pdf", "application/json", "application/xml"]);

const essence = (mime: string) => mime.split(";")[0]?.trim().toLowerCase() ?? "";

export function categoryOf(mime: string): Category {
  const type = essence(mime);
  if (type.startsWith("image/")) return "images";
  if (type.startsWith("audio/") || type.startsWith("video/")) return "media";
  if (type.startsWith("text/") || DOCUMENTS.has(type)) return "documents";
  return "other";
}

/** Images every browser draws without running anything (SVG is left out: it is served as an attachment). */
const RASTER = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/avif"]);
export const isRasterImage = (mime: string) => RASTER.has(essence(mime));

const PLAYABLE = new Set(["video/mp4", "video/webm", "audio/mpeg", "audio/wav", "audio/ogg"]);
export const isPlayable = (mime: string) => PLAYABLE.has(essence(mime));

const TEXT_PREVIEW = new Set(["text/plain", "text/markdown", "text/csv", "application/json"]);
export const hasTextPreview = (mime: string) => TEXT_PREVIEW.has(essence(mime));

const EMBLEMS: Record<string, string> = {
  "application/pdf": "PDF",
  "text/plain": "TXT",
  "text/markdown": "MD",
  "text/csv": "CSV",
  "text/html": "HTML",
  "application/xml": "XML",
  "application/json": "JSON",
  "application/zip": "ZIP",
  "application/gzip": "GZ",
  "video/mp4": "MP4",
  "video/webm": "WEBM",
  "video/quicktime": "MOV",
  "audio/mpeg": "MP3",
  "audio/wav": "WAV",
  "audio/ogg": "OGG",
  "image/svg+xml": "SVG",
};

/** The few letters on a file's emblem: "PDF", "MP4"; the extension for anything else, or "FILE". */
export function emblemText(mime: string, name: string): string {
  return EMBLEMS[essence(mime)] ?? fileExtension(name)?.slice(0, 4) ?? "FILE";
}

/** The file's bytes: inline where the type is safe to show, else as an attachment. */
export const contentUrl = (id: string) => `/api/files/${encodeURIComponent(id)}/content`;

/** Whether the bytes can be read: an upload that has not finished has none yet. */
export const hasContent = (file: Pick<FileView, "status">) => file.status !== "uploading";

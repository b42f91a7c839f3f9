// Human-readable sizes and times for the UI.

const UNITS = ["bytes", "KB", "MB", "GB", "TB"];

/** 1536 → "1.5 KB" (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) return `${Math.max(0, Math.round(bytes))} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "never";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** Short dates for lists: "14:05" today, "12 Mar" this year, "12 Mar 2024" before. */
export function formatShortDate(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return "never";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (date.toDateString() === now.toDateString()) {
    return date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  }
  const sameYear = date.getFullYear() === now.getFullYear();
  return date.toLocaleDateString(undefined, {
    day: "numeric",
    month: "short",
    ...(sameYear ? {} : { year: "numeric" }),
  });
}

/** The file types Outpost stores, as people name them. */
const TYPE_WORDS: Record<string, string> = {
  "image/png": "PNG image",
  "image/jpeg": "JPEG image",
  "image/gif": "GIF image",
  "image/webp": "WebP image",
  "image/bmp": "BMP image",
  "image/avif": "AVIF image",
  "image/svg+xml": "SVG image",
  "application/pdf": "PDF document",
  "text/plain": "Plain text",
  "text/markdown": "Markdown text",
  "text/csv": "CSV table",
  "text/html": "HTML page",
  "application/xml": "XML document",
  "application/json": "JSON data",
  "application/zip": "ZIP archive",
  "application/gzip": "Gzip archive",
  "video/mp4": "MP4 video",
  "video/webm": "WebM video",
  "video/quicktime": "QuickTime video",
  "audio/mpeg": "MP3 audio",
  "audio/wav": "WAV audio",
  "audio/ogg": "Ogg audio",
};

const FAMILY_WORDS: Record<string, string> = { image: "image", audio: "audio", video: "video", text: "text" };

/** "report.final.PDF" → "PDF"; nothing when the name has no short extension. */
export function fileExtension(name: string | undefined): string | undefined {
  const match = /\.([a-z0-9]{1,5})$/i.exec(name ?? "");
  return match?.[1]?.toUpperCase();
}

/**
 * A MIME type as words: "image/png" → "PNG image", "application/pdf" → "PDF document". An unknown type is named
 * by the file's extension ("BIN file", "HEIC image") or its family ("Video"), else "File".
 */
export function describeType(mime: string | null | undefined, name?: string): string {
  const essence = (mime ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const known = TYPE_WORDS[essence];
  if (known) return known;
  const family = FAMILY_WORDS[essence.split("/")[0] ?? ""];
  const extension = fileExtension(name);
  if (family) return extension ? `${extension} ${family}` : family[0]?.toUpperCase() + family.slice(1);
  return extension ? `${extension} file` : "File";
}

/** A step's time: 87 → "87 ms", 1234 → "1.2 s", 65_000 → "1 min 5 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

/** A moment as people read it: "3 Dec 2026, 04:05" (the locale's medium date and short time). */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "never";
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** How far a moment is from now, in its largest whole unit: "in 7 days", "in 1 hour", "3 minutes ago". */
export function formatFromNow(iso: string, now: number = Date.now()): string {
  const diff = Date.parse(iso) - now;
  if (Number.isNaN(diff)) return iso;
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, ms] of RELATIVE_UNITS) {
    // Within 2 % of a unit counts as one: a link made a second ago for a day expires "tomorrow", not "in 24 hours".
    if (Math.abs(diff) >= ms * 0.98) return format.format(Math.round(diff / ms), unit);
  }
  return format.format(0, "minute");
}

/** A message's age for people: "just now", "2 min ago", "3 h ago", then its time of day ("14:05"). */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const seconds = (now.getTime() - date.getTime()) / 1000;
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 6 * 3600) return `${Math.floor(seconds / 3600)} h ago`;
  return formatClock(iso);
}

/** The time of day: "14:05" (in the reader's locale). */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

/** A day as a divider names it: "Today", "Yesterday", "Monday 12 March" (with the year when not this one). */
export function formatDay(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (date.toDateString() === now.toDateString()) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (date.toDateString() === yesterday.toDateString()) return "Yesterday";
  return date.toLocaleDateString(undefined, {
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(date.getFullYear() === now.getFullYear() ? {} : { year: "numeric" }),
  });
}

/** A count as people read it, with the locale's grouping: 12345 → "12,345". */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString() : "—";
}

/** A ratio (0–1) as a percentage: 0.1234 → "12.3 %", 1 → "100 %", 0.0004 → "< 0.1 %"; "—" for null. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  const percent = ratio * 100;
  if (percent > 0 && percent < 0.1) return "< 0.1 %";
  if (percent < 100 && percent > 99.9) return "> 99.9 %";
  return `${percent.toFixed(1).replace(/\.0$/, "")} %`;
}

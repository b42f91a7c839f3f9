// File names shown to people and used in Content-Disposition: no paths, controls or direction tricks.

const MAX_CODE_POINTS = 200;
/** An extension (after the last dot) of at most this many code points survives truncation. */
const MAX_EXTENSION = 16;
/**
 * Characters that are invisible or unsafe in a name: controls (Cc: C0, DEL, C1), format characters (Cf:
 * bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, LRM/RLM U+200E/U+200F, ALM
 * U+061C, zero-width space/joiners U+200B–U+200D, word joiner U+2060, BOM U+FEFF, soft hyphen, tags) and
 * lone surrogates (Cs), which are not text and cannot be percent-encoded.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}]/gu;

function trimDotsAndSpaces(value: string): string {
  return value.replace(/^[. ]+/, "").replace(/[. ]+$/, "");
}

/** At most 200 code points, keeping a short extension; surrogate pairs are never split. */
function cap(name: string): string {
  const points = Array.from(name);
  if (points.length <= MAX_CODE_POINTS) return name;
  const dot = points.lastIndexOf(".");
  const extension = dot > 0 ? points.slice(dot + 1) : [];
  if (extension.length > 0 && extension.length <= MAX_EXTENSION && !extension.includes(" ")) {
    const stem = trimDotsAndSpaces(points.slice(0, MAX_CODE_POINTS - extension.length - 1).join(""));
    return `${stem}.${extension.join("")}`;
  }
  return trimDotsAndSpaces(points.slice(0, MAX_CODE_POINTS).join(""));
}

/**
 * A file name safe to show and to put in Content-Disposition: NFC-normalised; the last segment of a
 * `/` or `\` path; without controls, bidi and zero-width characters; whitespace collapsed to single
 * spaces; no leading or trailing dots and spaces; at most 200 code points, keeping an extension of up to
 * 16. Never empty ("file" when nothing is left), and sanitising the result again changes nothing.
 *
 * @example
 * sanitizeFileName("../etc/passwd"); // "passwd"
 * sanitizeFileName("invoice\u202Efdp.exe"); // "invoicefdp.exe": no right-to-left override
 */
export function sanitizeFileName(name: string): string {
  const segment = name.normalize("NFC").split(/[/\\]/).at(-1) ?? "";
  // Removing a character can bring a base letter and a combining mark together: normalise again.
  const visible = segment.replace(INVISIBLE, "").normalize("NFC");
  const clean = cap(trimDotsAndSpaces(visible.replace(/\s+/gu, " "))).normalize("NFC");
  return clean.length > 0 ? clean : "file";
}

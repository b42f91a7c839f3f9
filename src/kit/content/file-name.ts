// File names shown to people and used in Content-Disposition: no paths, controls or direction tricks.

const MAX_CODE_POINTS = 200;
// C0/C1 controls, bidi embeddings/overrides/isolates, LRM/RLM/ALM, zero-width characters, BOM.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the purpose
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\u2028\u2029\ufeff]/gu;

/**
 * The last path segment, NFC-normalised, stripped of unsafe characters and leading/trailing dots and spaces,
 * capped at 200 code points with the extension kept; "file" when nothing is left.
 *
 * @example
 * sanitizeFileName("../etc/passwd"); // "passwd"
 */
export function sanitizeFileName(name: string): string {
  const segment = name.normalize("NFC").split(/[/\\]/).at(-1) ?? "";
  let clean = segment
    .replace(UNSAFE, "")
    .replace(/\s+/gu, " ")
    .replace(/^[.\s]+/u, "")
    .replace(/[.\s]+$/u, "");
  const points = [...clean];
  if (points.length > MAX_CODE_POINTS) {
    const dot = clean.lastIndexOf(".");
    const extension = dot > 0 ? [...clean.slice(dot)] : [];
    const keep = extension.length > 0 && extension.length <= 16 ? extension : [];
    clean = [...points.slice(0, MAX_CODE_POINTS - keep.length), ...keep].join("").replace(/[.\s]+$/u, "");
  }
  return clean.length > 0 ? clean : "file";
}

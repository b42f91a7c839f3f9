// One `Range: bytes=…` header against a representation of `size` bytes (RFC 9110 §14.1.2).

export type ByteRange = { start: number; end: number };

const INT_RANGE = /^(\d+)-(\d*)$/;
const SUFFIX_RANGE = /^-(\d+)$/;

/**
 * A single satisfiable range (`end` inclusive, within the representation), "unsatisfiable" (answer 416),
 * or null: ignore the header and send the whole representation (absent, malformed, another unit, a
 * reversed range, or several ranges, which this server does not answer as multipart). The unit is
 * case-insensitive and empty list elements are skipped (RFC 9110 §5.6.1.2); positions of any length are
 * compared exactly. A size that is not a non-negative safe integer cannot be ranged over: null.
 *
 * @example
 * parseByteRange("bytes=0-499", 1000); // { start: 0, end: 499 }
 * parseByteRange("bytes=-500", 1000); // { start: 500, end: 999 }: the last 500 bytes
 * parseByteRange("bytes=1000-", 1000); // "unsatisfiable"
 * parseByteRange("bytes=0-1,5-6", 1000); // null: several ranges, send it all
 */
export function parseByteRange(header: string | null | undefined, size: number): ByteRange | "unsatisfiable" | null {
  if (!header || !Number.isSafeInteger(size) || size < 0) return null;
  const value = header.trim();
  if (value.slice(0, 6).toLowerCase() !== "bytes=") return null;
  const specs = value
    .slice(6)
    .split(",")
    .map((spec) => spec.trim())
    .filter((spec) => spec !== "");
  const [spec] = specs;
  if (spec === undefined || specs.length > 1) return null;
  const total = BigInt(size);

  const suffix = SUFFIX_RANGE.exec(spec);
  if (suffix) {
    const length = BigInt(suffix[1] ?? "0");
    if (length === 0n || size === 0) return "unsatisfiable";
    return { start: length >= total ? 0 : size - Number(length), end: size - 1 };
  }

  const range = INT_RANGE.exec(spec);
  if (!range) return null;
  const [, firstText = "", lastText = ""] = range;
  const first = BigInt(firstText);
  const last = lastText === "" ? null : BigInt(lastText);
  if (last !== null && last < first) return null; // an invalid range-spec (§14.1.1)
  if (first >= total) return "unsatisfiable";
  return { start: Number(first), end: last === null || last >= total ? size - 1 : Number(last) };
}

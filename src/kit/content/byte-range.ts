// One `Range: bytes=…` header against a representation of `size` bytes (RFC 9110 §14.1.2).

export type ByteRange = { start: number; end: number };

/**
 * A single satisfiable range, "unsatisfiable" (answer 416), or null (ignore the header: malformed, another
 * unit, or several ranges, which this server answers with the whole representation).
 *
 * @example
 * parseByteRange("bytes=-500", 1000); // { start: 500, end: 999 }
 */
export function parseByteRange(header: string | null | undefined, size: number): ByteRange | "unsatisfiable" | null {
  if (!header) return null;
  const match = /^bytes=(\d{0,16})-(\d{0,16})$/.exec(header.trim());
  if (!match) return null;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Number(last);
  if (last !== "" && end < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}

// Opaque page cursors for keyset pagination: a fixed number of string keys, base64url-encoded JSON.
import { fromBase64Url, toBase64Url } from "../crypto";

/** Longest cursor `decode` looks at: a cursor is a few keys, never a document. */
export const MAX_CURSOR_LENGTH = 512;

export interface CursorCodec<N extends number> {
  /** The keys of the last row of a page, as an opaque string for the next request. */
  encode(keys: Tuple<N>): string;
  /** The keys back, or null for anything this codec did not issue (wrong shape, length or alphabet). */
  decode(cursor: string): Tuple<N> | null;
}

export type Tuple<N extends number, T extends string[] = []> = T["length"] extends N ? T : Tuple<N, [...T, string]>;

export interface CursorCodecOptions<N extends number> {
  /** How many keys a cursor holds, e.g. 2 for `(created_at, id)`. */
  keys: N;
  /** Extra check on decoded keys (e.g. an id's format); a cursor that fails it decodes to null. */
  validate?: (keys: Tuple<N>) => boolean;
}

/**
 * Keyset pagination ("WHERE (created_at, id) < (?, ?)") needs the last row's sort keys in the next request.
 * Clients must treat the cursor as opaque, so its format can change; `decode` never throws, so a forged or
 * truncated cursor becomes a 400 in the caller rather than a 500.
 *
 * @example
 * const cursors = createCursorCodec({ keys: 2 });
 * const next = cursors.encode([row.created_at, row.id]);
 * const after = cursors.decode(query.cursor); // [createdAt, id] or null
 */
export function createCursorCodec<N extends number>(options: CursorCodecOptions<N>): CursorCodec<N> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  return {
    encode: (keys) => toBase64Url(encoder.encode(JSON.stringify(keys))),
    decode(cursor) {
      if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) return null;
      const bytes = fromBase64Url(cursor);
      if (!bytes) return null;
      let value: unknown;
      try {
        value = JSON.parse(decoder.decode(bytes));
      } catch {
        return null;
      }
      if (!Array.isArray(value) || value.length !== options.keys) return null;
      if (!value.every((key) => typeof key === "string")) return null;
      const keys = value as Tuple<N>;
      return !options.validate || options.validate(keys) ? keys : null;
    },
  };
}

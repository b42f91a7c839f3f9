// How a flag is kept in KV: JSON under `flag:<name>`, a copy in list metadata when it fits, both parsed back.
import { type Flag, FlagSchema } from "../flag-schema";

export const FLAG_KEY_PREFIX = "flag:";

/** KV refuses metadata over 1 024 bytes of JSON (developers.cloudflare.com/kv/platform/limits/). */
const MAX_METADATA_BYTES = 1_024;

/** One multi-key `get` takes at most 100 keys (developers.cloudflare.com/kv/api/read-key-value-pairs/). */
export const MAX_BULK_GET_KEYS = 100;

/** `list()` returns at most 1 000 keys a call (developers.cloudflare.com/kv/api/list-keys/). */
export const MAX_LIST_LIMIT = 1_000;

const encoder = new TextEncoder();

export function flagKey(name: string): string {
  return FLAG_KEY_PREFIX + name;
}

export function nameFromKey(key: string): string {
  return key.slice(FLAG_KEY_PREFIX.length);
}

export interface EncodedFlag {
  value: string;
  /** The flag again, for `list()` to return without a read; null when it is over KV's metadata limit. */
  metadata: Flag | null;
}

export function encodeFlag(flag: Flag): EncodedFlag {
  const value = JSON.stringify(flag);
  return { value, metadata: encoder.encode(value).byteLength <= MAX_METADATA_BYTES ? flag : null };
}

/**
 * The flag stored under `name`, or null when `value` is not a valid definition of that flag: wrong shape,
 * unknown keys, or another flag's name (its bucket would be hashed with the wrong name).
 */
export function decodeFlag(name: string, value: unknown): Flag | null {
  const parsed = FlagSchema.safeParse(value);
  return parsed.success && parsed.data.name === name ? parsed.data : null;
}

/** Like `decodeFlag`, from the stored text; text that is not JSON is null too. */
export function decodeFlagText(name: string, text: string): Flag | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return decodeFlag(name, value);
}

// Feature-flag shapes: what an admin may send, what is stored (with a server-made salt), and the size cap.
import { z } from "zod";
import { text } from "../text/well-formed";

/** 1–64 characters: lower-case letters and digits, then also `_`, `.` and `-`. */
export const FLAG_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/** A stored definition is at most 8 KiB of JSON, so a flag never grows into a large KV value. */
export const MAX_FLAG_BYTES = 8 * 1024;

export const MAX_ALLOW_LIST = 1_000;

export const FlagNameSchema = z.string().regex(FLAG_NAME_PATTERN, "1–64 lower-case letters, digits, '_', '.' or '-'");

const UserIdSchema = z.string().min(1).max(64);

/** What an admin may send. Strict: an unknown key (`salt`, `__proto__`, a typo) is an error, not ignored. */
export const FlagInputSchema = z.strictObject({
  description: text().max(500).default(""),
  enabled: z.boolean(),
  rolloutPercentage: z.number().int().min(0).max(100),
  allowList: z
    .array(UserIdSchema)
    .max(MAX_ALLOW_LIST)
    .default([])
    .refine((ids) => new Set(ids).size === ids.length, "must not repeat an id"),
  /** Off for everyone, the allow-list included, whatever else the flag says. */
  killSwitch: z.boolean().default(false),
});
export type FlagInput = z.input<typeof FlagInputSchema>;

/** What is stored in KV, and parsed again on every read. */
export const FlagSchema = FlagInputSchema.extend({
  name: FlagNameSchema,
  /** Random per flag, made by the store and never taken from a request: keeps flags' buckets independent. */
  salt: z.string().regex(/^[0-9a-f]{16,64}$/),
  updatedAt: z.iso.datetime(),
  updatedBy: UserIdSchema,
});
export type Flag = z.infer<typeof FlagSchema>;

/**
 * Whether `value` serialises to at most `MAX_FLAG_BYTES` bytes of UTF-8 JSON. A value JSON cannot represent
 * (a cycle, a BigInt, `undefined`) is not within the limit.
 *
 * @example
 * isWithinFlagSizeLimit({ enabled: true, rolloutPercentage: 5 }); // true
 * isWithinFlagSizeLimit({ description: "x".repeat(9_000) });      // false
 */
export function isWithinFlagSizeLimit(value: unknown): boolean {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return false;
  }
  return json !== undefined && new TextEncoder().encode(json).byteLength <= MAX_FLAG_BYTES;
}

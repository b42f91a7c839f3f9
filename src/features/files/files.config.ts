// Files configuration: size limits, the optional quota and the share-link secret, from the Worker's vars.
import { z } from "zod";
import { ConfigError } from "../../config";

const MIB = 1024 * 1024;

/** The value wrangler.jsonc ships for local development; refused anywhere it could protect real files. */
export const DEV_SHARE_LINK_SECRET = "outpost-local-development-share-link-secret-not-for-production";

const bytes = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number of bytes")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((value) => value ?? fallback);

const seconds = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number of seconds")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((value) => value ?? fallback);

const FilesConfigSchema = z
  .object({
    ENVIRONMENT: z.string().optional(),
    /** Largest body of one request: a single-request upload or one multipart part (Cloudflare: 100 MB on Free/Pro). */
    FILE_UPLOAD_MAX_BYTES: bytes(1, 500 * MIB, 100 * MIB),
    /** Largest file, multipart included (R2 objects go to 5 TiB; 10 000 parts). */
    FILE_MAX_BYTES: bytes(1, 5 * 1024 * 1024 * MIB, 5 * 1024 * MIB),
    /** Bytes each user may keep; 0 means no quota. */
    FILE_QUOTA_BYTES: bytes(0, Number.MAX_SAFE_INTEGER, 0),
    /** HMAC key for share links: a secret (`wrangler secret put SHARE_LINK_SECRET`), at least 32 characters. */
    SHARE_LINK_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    /** Longest lifetime a share link may be given. */
    SHARE_LINK_MAX_SECONDS: seconds(60, 30 * 86_400, 7 * 86_400),
  })
  .superRefine((value, ctx) => {
    if (value.ENVIRONMENT === "production" && value.SHARE_LINK_SECRET === DEV_SHARE_LINK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["SHARE_LINK_SECRET"],
        message: "is the development value; set a real secret with `wrangler secret put SHARE_LINK_SECRET`",
      });
    }
  });

export type FilesConfig = z.output<typeof FilesConfigSchema>;

const cache = new WeakMap<object, FilesConfig>();

export function getFilesConfig(env: object): FilesConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = FilesConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration in wrangler.jsonc vars: ${problems.join("; ")}`);
  }
  cache.set(env, parsed.data);
  return parsed.data;
}

/** The share-link secret, or a clear configuration error when it is missing. */
export function shareLinkSecret(env: object): string {
  const secret = getFilesConfig(env).SHARE_LINK_SECRET;
  if (!secret) {
    throw new ConfigError("SHARE_LINK_SECRET is not set: run `wrangler secret put SHARE_LINK_SECRET`");
  }
  return secret;
}

// Files configuration: size limits, the optional quota and the share-link secret, from the Worker's vars.
import { ConfigError, defineConfig, wholeNumber } from "@outpost/edge-kit/config";
import { z } from "zod";

const MIB = 1024 * 1024;

/** The value wrangler.jsonc ships for local development; refused anywhere it could protect real files. */
const DEV_SHARE_LINK_SECRET = "outpost-local-development-share-link-secret-not-for-production";

const FilesConfigSchema = z
  .object({
    ENVIRONMENT: z.string().optional(),
    /** Largest body of one request: a single-request upload or one multipart part (Cloudflare: 100 MB on Free/Pro). */
    FILE_UPLOAD_MAX_BYTES: wholeNumber(1, 500 * MIB, "bytes").default(100 * MIB),
    /** Largest file, multipart included (R2 objects go to 5 TiB; 10 000 parts). */
    FILE_MAX_BYTES: wholeNumber(1, 5 * 1024 * 1024 * MIB, "bytes").default(5 * 1024 * MIB),
    /** Bytes each user may keep; 0 means no quota. */
    FILE_QUOTA_BYTES: wholeNumber(0, Number.MAX_SAFE_INTEGER, "bytes").default(0),
    /** HMAC key for share links: a secret (`wrangler secret put SHARE_LINK_SECRET`), at least 32 characters. */
    SHARE_LINK_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    /** Longest lifetime a share link may be given. */
    SHARE_LINK_MAX_SECONDS: wholeNumber(60, 30 * 86_400, "seconds").default(7 * 86_400),
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

/** The files settings of `env`, parsed once per environment; throws ConfigError naming each bad variable. */
export const getFilesConfig = defineConfig(FilesConfigSchema);

/** The share-link secret, or a clear configuration error when it is missing. */
export function shareLinkSecret(env: object): string {
  const secret = getFilesConfig(env).SHARE_LINK_SECRET;
  if (!secret) {
    throw new ConfigError("SHARE_LINK_SECRET is not set: run `wrangler secret put SHARE_LINK_SECRET`");
  }
  return secret;
}

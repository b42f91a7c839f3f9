// Configuration: the Worker's `vars`, parsed once per environment object and failing fast when wrong.
import { defineConfig, wholeNumber } from "@outpost/edge-kit/config";
import { z } from "zod";

export { ConfigError } from "@outpost/edge-kit/config";

const ORIGIN_SHAPE = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

/** `https://host[:port]` and nothing else: no path, no wildcard, no `*`. */
function isBareOrigin(value: string): boolean {
  return ORIGIN_SHAPE.test(value) && URL.canParse(value) && new URL(value).origin === value;
}

const ConfigSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "staging", "production"]),
  ALLOWED_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().refine(isBareOrigin, "must be a bare origin such as https://app.example.com"))),
  AI_PROVIDER: z.enum(["offline", "workers-ai", "openai"]),
  SUBREQUEST_BUDGET: wholeNumber(1, 10_000),
  MAX_BODY_BYTES: wholeNumber(1_024, 100 * 1024 * 1024),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** When set, only this email becomes admin at registration; otherwise the first user to register does. */
  ADMIN_EMAIL: z
    .string()
    .optional()
    .transform((value) => value?.trim().normalize("NFC").toLowerCase() || undefined)
    .pipe(z.email().optional()),
  SESSION_IDLE_SECONDS: wholeNumber(300, 90 * 86_400).default(7 * 86_400),
  SESSION_ABSOLUTE_SECONDS: wholeNumber(3_600, 365 * 86_400).default(30 * 86_400),
  SESSION_RENEW_SECONDS: wholeNumber(60, 86_400).default(3_600),
  /** An OpenAI-compatible endpoint for AI_PROVIDER=openai (`https://host/v1`); the key is a secret. */
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_MODEL: z.string().min(1).default("gpt-4o-mini"),
});

export type Config = z.output<typeof ConfigSchema>;

/** The parsed configuration for `env`; throws ConfigError naming each bad variable. */
export const getConfig = defineConfig(ConfigSchema);

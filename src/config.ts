// Configuration: the Worker's `vars`, parsed once per environment object and failing fast when wrong.
import { z } from "zod";

const intFromString = (min: number, max: number) =>
  z.string().regex(/^\d+$/, "must be a whole number").transform(Number).pipe(z.number().int().min(min).max(max));

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
  SUBREQUEST_BUDGET: intFromString(1, 10_000),
  MAX_BODY_BYTES: intFromString(1_024, 100 * 1024 * 1024),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** When set, only this email becomes admin at registration; otherwise the first user to register does. */
  ADMIN_EMAIL: z
    .string()
    .optional()
    .transform((value) => value?.trim().normalize("NFC").toLowerCase() || undefined)
    .pipe(z.email().optional()),
  SESSION_IDLE_SECONDS: intFromString(300, 90 * 86_400).default(7 * 86_400),
  SESSION_ABSOLUTE_SECONDS: intFromString(3_600, 365 * 86_400).default(30 * 86_400),
  SESSION_RENEW_SECONDS: intFromString(60, 86_400).default(3_600),
});

export type Config = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const cache = new WeakMap<object, Config>();

/** The parsed configuration for `env`; throws ConfigError naming each bad variable. */
export function getConfig(env: object): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration in wrangler.jsonc vars: ${problems.join("; ")}`);
  }
  cache.set(env, parsed.data);
  return parsed.data;
}

// Rate-limit policies: built-in defaults overridden by the RATE_LIMITS var, never taken from a request.

import { defineConfig } from "@outpost/edge-kit/config";
import { isValidPolicy, MAX_GRID, MAX_LIMIT, MAX_PERIOD_MS, type RatePolicy } from "@outpost/edge-kit/pacing";
import { z } from "zod";

const POLICY_NAMES = ["api", "auth", "login-client", "login-account", "assistant"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];
type RatePolicies = Readonly<Record<PolicyName, RatePolicy>>;

/** Used for every policy RATE_LIMITS does not mention (wrangler.jsonc sets the same values explicitly). */
export const DEFAULT_POLICIES: RatePolicies = {
  /** Every API request: per user when signed in, else per client IP (/64 for IPv6). */
  api: { limit: 600, periodMs: 60_000 },
  /** Register, login and other account routes, per client IP. */
  auth: { limit: 30, periodMs: 60_000 },
  /**
   * Failed sign-ins per (normalised email, client IP): a guesser is stopped after 10 in 15 minutes without
   * touching anyone else's attempts at that account. Successful sign-ins never count.
   */
  "login-client": { limit: 10, periodMs: 15 * 60_000 },
  /**
   * Failed sign-ins per normalised email from all clients together: a ceiling ten times higher, against
   * guessing spread over many addresses. Only this one can lock the owner out, and only after 100
   * failures in 15 minutes. Successful sign-ins never count.
   */
  "login-account": { limit: 100, periodMs: 15 * 60_000 },
  /** Assistant questions per user: each one may run several tools and a model. */
  assistant: { limit: 20, periodMs: 60_000 },
};

/**
 * What a policy does when its RateLimiter object cannot be called (overloaded, reset, unreachable): "open"
 * admits the request unmetered (logged, counted); "closed" answers 503 with Retry-After. General API traffic
 * stays up; sign-in (password guessing) and the assistant (model costs) must never run unlimited.
 */
export const FAILURE_POLICIES: Readonly<Record<PolicyName, "open" | "closed">> = {
  api: "open",
  auth: "closed",
  "login-client": "closed",
  "login-account": "closed",
  assistant: "closed",
};

const PolicySchema = z
  .strictObject({
    limit: z.number().int().min(1).max(MAX_LIMIT),
    periodSeconds: z
      .number()
      .int()
      .min(1)
      .max(MAX_PERIOD_MS / 1000),
  })
  .transform(({ limit, periodSeconds }): RatePolicy => ({ limit, periodMs: periodSeconds * 1000 }))
  .refine(isValidPolicy, {
    message: `limit / gcd(limit, period in ms) must be at most ${MAX_GRID}: use a limit of at most ${MAX_GRID}, or a round one`,
  });

/** Unknown names are refused, so a typo cannot silently leave a policy at its default. */
const OverridesSchema = z.strictObject({
  api: PolicySchema.optional(),
  auth: PolicySchema.optional(),
  "login-client": PolicySchema.optional(),
  "login-account": PolicySchema.optional(),
  assistant: PolicySchema.optional(),
} satisfies Record<PolicyName, unknown>);

const LimitsConfigSchema = z
  .object({
    RATE_LIMITS: z
      .string()
      .optional()
      .transform((raw, ctx): unknown => {
        const text = raw?.trim() ?? "";
        if (text === "") return {};
        try {
          return JSON.parse(text);
        } catch {
          ctx.addIssue({ code: "custom", message: "is not valid JSON" });
          return z.NEVER;
        }
      })
      .pipe(OverridesSchema),
  })
  .transform(({ RATE_LIMITS }): RatePolicies => {
    const policies: Record<PolicyName, RatePolicy> = { ...DEFAULT_POLICIES };
    for (const name of POLICY_NAMES) {
      const override = RATE_LIMITS[name];
      if (override) policies[name] = override;
    }
    return policies;
  });

/**
 * The policies for this deployment. RATE_LIMITS is optional JSON such as
 * `{"api":{"limit":300,"periodSeconds":60}}`; names it leaves out keep their defaults. Throws ConfigError
 * naming the variable when the JSON or a value is invalid, so a bad deploy fails on its first request.
 *
 * @example
 * getRatePolicies(c.env).api; // { limit: 600, periodMs: 60_000 }
 */
export const getRatePolicies: (env: { RATE_LIMITS?: string }) => RatePolicies = defineConfig(LimitsConfigSchema);

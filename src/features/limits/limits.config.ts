// Rate-limit policies: from the RATE_LIMITS var (JSON) over built-in defaults, never from a request.
import { z } from "zod";
import type { RatePolicy } from "../../kit/pacing";

export const POLICY_NAMES = ["api", "auth", "login-account"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** Defaults: generous for the API, strict where a password is checked. */
export const DEFAULT_POLICIES: Record<PolicyName, RatePolicy> = {
  /** Every /api request, per user when signed in, else per client IP. */
  api: { limit: 600, periodMs: 60_000 },
  /** Register and login attempts per client IP. */
  auth: { limit: 30, periodMs: 60_000 },
  /** Login attempts (and password confirmations) per account, whatever the source. */
  "login-account": { limit: 10, periodMs: 15 * 60_000 },
};

const PolicySchema = z.strictObject({
  limit: z.number().int().min(1).max(1_000_000),
  periodSeconds: z.number().int().min(1).max(86_400),
});
const OverridesSchema = z.strictObject({
  api: PolicySchema.optional(),
  auth: PolicySchema.optional(),
  "login-account": PolicySchema.optional(),
});

export class RateLimitConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RateLimitConfigError";
  }
}

const cache = new Map<string, Record<PolicyName, RatePolicy>>();

/** Parses RATE_LIMITS, e.g. `{"api":{"limit":300,"periodSeconds":60}}`; fails fast naming the variable. */
export function ratePolicies(raw: string | undefined): Record<PolicyName, RatePolicy> {
  const key = raw ?? "";
  const cached = cache.get(key);
  if (cached) return cached;
  let overrides: z.infer<typeof OverridesSchema> = {};
  if (key.trim() !== "") {
    let json: unknown;
    try {
      json = JSON.parse(key);
    } catch {
      throw new RateLimitConfigError("RATE_LIMITS is not valid JSON");
    }
    const parsed = OverridesSchema.safeParse(json);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new RateLimitConfigError(`RATE_LIMITS is invalid: ${detail}`);
    }
    overrides = parsed.data;
  }
  const policies = { ...DEFAULT_POLICIES };
  for (const name of POLICY_NAMES) {
    const override = overrides[name];
    if (override) policies[name] = { limit: override.limit, periodMs: override.periodSeconds * 1000 };
  }
  cache.set(key, policies);
  return policies;
}

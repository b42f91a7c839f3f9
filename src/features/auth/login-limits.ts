// Limits on the account routes, checked before any password hashing: per client IP, and failed sign-ins
// per (account, client) with a higher per-account ceiling.

import { AppError } from "@outpost/edge-kit/errors";
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env";
import { recordRefusal } from "../../http/metrics";
import { clientIpKey, consumeLimit, refundLimit } from "../limits";

/** On Cloudflare every request carries CF-Connecting-IP; without it we fail closed rather than pool. */
function requireClientIp(c: Context<AppEnv>): string {
  const key = clientIpKey(c.req.header("CF-Connecting-IP"));
  if (!key) {
    throw new AppError(400, "client-ip-unknown", "Client address unknown", {
      detail: "This request did not come through Cloudflare's edge",
    });
  }
  return key;
}

/** The per-IP limit of the account routes (register, login). */
export async function enforceAuthIpLimit(c: Context<AppEnv>): Promise<void> {
  await consumeLimit(c, "auth", requireClientIp(c), 1, recordRefusal);
}

/** A sign-in attempt that holds one token of each failure bucket until it knows whether it failed. */
export interface LoginAttempt {
  /** The password was right: give the tokens back, so a success never counts. */
  succeeded(): Promise<void>;
}

/**
 * The lock-out policy (ASVS 5.0 6.3.1), in three layers, all checked before any hashing:
 * 1. `auth`: every register or sign-in request per client IP (30 a minute);
 * 2. `login-client`: failed sign-ins per (account, client IP), 10 in 15 minutes: a guesser is refused
 *    (429) without affecting the owner, who signs in from another address;
 * 3. `login-account`: failed sign-ins per account from all addresses, 100 in 15 minutes: a ceiling against
 *    guessing spread over many addresses. Only this one locks the owner out, and it takes ten times more.
 * Only failures count. Each attempt reserves a token of 2 and 3 before hashing (exact under concurrency: a
 * burst of parallel guesses cannot all slip past a check made before the first of them fails) and gives
 * both back when the password is right. An attempt refused by 3 gives back its token of 2.
 */
export async function startLoginAttempt(c: Context<AppEnv>, email: string): Promise<LoginAttempt> {
  const ip = requireClientIp(c);
  await consumeLimit(c, "auth", ip, 1, recordRefusal);
  const clientKey = `account:${email}|${ip}`;
  const accountKey = `account:${email}`;
  await consumeLimit(c, "login-client", clientKey, 1, recordRefusal);
  try {
    await consumeLimit(c, "login-account", accountKey, 1, recordRefusal);
  } catch (error) {
    await refundLimit(c, "login-client", clientKey);
    throw error;
  }
  return {
    succeeded: async () => {
      await Promise.all([refundLimit(c, "login-client", clientKey), refundLimit(c, "login-account", accountKey)]);
    },
  };
}

// Limits on the account routes, checked before any password hashing: per client IP and per account.

import { AppError } from "@outpost/edge-kit/errors";
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env";
import { recordRefusal } from "../../http/metrics";
import { clientIpKey, consumeLimit } from "../limits";

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

/** Per IP and per account: a guessing burst against one account is stopped whatever its source. */
export async function enforceLoginLimits(c: Context<AppEnv>, email: string): Promise<void> {
  await enforceAuthIpLimit(c);
  await consumeLimit(c, "login-account", `account:${email}`, 1, recordRefusal);
}

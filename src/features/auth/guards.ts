// Guards for routes: who may call them, and the route factories that apply them with their OpenAPI security.

import { errors } from "@outpost/edge-kit/errors";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../http/app-env";
import { guardedRoute } from "../../http/guarded-route";
import { userService } from "./session.middleware";
import type { UserAccount } from "./users.service";

/** 401 unless signed in. */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get("principal")) throw errors.unauthorized();
    await next();
  };
}

/**
 * The caller's account read from D1 (strongly consistent): refuses a session whose user was deleted or
 * disabled, or whose epoch is older than the user's (password changed, demoted, disabled since login).
 * Used by admin routes and sensitive actions, so those take effect at once, whatever KV still holds.
 */
export async function currentAccount(c: Context<AppEnv>): Promise<UserAccount> {
  const principal = c.get("principal");
  if (!principal) throw errors.unauthorized();
  const account = await userService(c.env).findById(principal.userId);
  if (!account || account.disabled || principal.epoch < account.sessionEpoch) {
    throw errors.unauthorized("Your session has ended. Sign in again");
  }
  return account;
}

/** 401 unless signed in, 403 unless the account is an active admin according to D1. */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const account = await currentAccount(c);
    if (account.role !== "admin") throw errors.forbidden("This needs an administrator");
    await next();
  };
}

/** A route for any signed-in user: session security, `requireUser`, and the 400/401/403/429 responses. */
export const userRoute = guardedRoute(requireUser);

/** A route for active admins only (checked against D1): session security, `requireAdmin`, the usual errors. */
export const adminRoute = guardedRoute(requireAdmin);

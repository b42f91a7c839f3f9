// Session middleware: who is calling (cookie or bearer, never the query string), and the guards on top.

import { AppError } from "@outpost/edge-kit/errors";
import { type SessionRecord, SessionStore } from "@outpost/edge-kit/session";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { getConfig } from "../../config";
import type { AppEnv, Principal } from "../../http/app-env";
import { UserService } from "./users.service";

/** Sent as `__Host-outpost_session`: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain. */
const SESSION_COOKIE = "outpost_session";

export function sessionStore(env: Env, now?: () => number): SessionStore {
  const config = getConfig(env);
  return new SessionStore(env.SESSIONS, {
    policy: {
      idleSeconds: config.SESSION_IDLE_SECONDS,
      absoluteSeconds: config.SESSION_ABSOLUTE_SECONDS,
      renewAfterSeconds: config.SESSION_RENEW_SECONDS,
    },
    now,
  });
}

export function userService(env: Env): UserService {
  return new UserService(env.DB, { adminEmail: getConfig(env).ADMIN_EMAIL });
}

export function setSessionCookie(c: Context<AppEnv>, token: string, session: SessionRecord): void {
  setCookie(c, SESSION_COOKIE, token, {
    prefix: "host",
    secure: true,
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    expires: new Date(session.absoluteExpiresAt),
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { prefix: "host", secure: true, path: "/" });
}

function presentedToken(c: Context<AppEnv>): { token: string; via: Principal["via"] } | null {
  const authorization = c.req.header("Authorization");
  if (authorization) {
    const match = /^Bearer ([A-Za-z0-9_-]{1,100})$/.exec(authorization);
    return match?.[1] ? { token: match[1], via: "bearer" } : null;
  }
  const cookie = getCookie(c, SESSION_COOKIE, "host");
  return cookie ? { token: cookie, via: "cookie" } : null;
}

/**
 * Sets `principal` when the request carries a valid session; never refuses by itself. Tokens in the query
 * string are ignored on purpose (ASVS 3.1.1). Sliding renewal writes KV at most once per renewal interval.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const presented = presentedToken(c);
    if (presented) {
      const store = sessionStore(c.env);
      const result = await store.validate(presented.token);
      if (result.ok) {
        const { session, tokenHash } = result;
        c.set("principal", {
          sessionId: session.id,
          userId: session.userId,
          role: session.role,
          epoch: session.epoch,
          via: presented.via,
        });
        if (result.renew) c.executionCtx.waitUntil(store.touch(session, tokenHash));
      } else if (result.reason === "unavailable") {
        // Fail closed, and keep the cookie: who this is cannot be known right now, which is not "signed out".
        c.get("logger").error("session store unreadable", { via: presented.via });
        throw new AppError(503, "sessions-unavailable", "Sessions cannot be checked right now", {
          detail: "Try again in a few seconds; you are still signed in",
          headers: { "Retry-After": "5" },
        });
      } else if (presented.via === "cookie") {
        clearSessionCookie(c);
      }
    }
    await next();
  };
}

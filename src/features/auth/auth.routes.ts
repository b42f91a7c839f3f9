// Register, sign in, sign out, and who am I.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { hashPassword, needsRehash, type PasswordHash, verifyPassword } from "@outpost/edge-kit/crypto";
import { AppError } from "@outpost/edge-kit/errors";
import type { SessionRecord } from "@outpost/edge-kit/session";
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { AUTH_ERRORS, json, SESSION_SECURITY } from "../../http/openapi";
import { problem } from "../../http/problem-schema";
import { AuthResultSchema, LoginBodySchema, PrincipalSchema, RegisterBodySchema, UserSchema } from "./auth.schema";
import { currentAccount, userRoute } from "./guards";
import { enforceAuthIpLimit, startLoginAttempt } from "./login-limits";
import { clearSessionCookie, sessionStore, setSessionCookie, userService } from "./session.middleware";
import { sessionsEnded } from "./session-revocation";
import { toPublicUser, type UserAccount } from "./users.service";

const INVALID_CREDENTIALS = () =>
  new AppError(401, "invalid-credentials", "Email or password is incorrect", {
    detail: "Check your email and password and try again",
  });

/**
 * A hash to verify against when the email is unknown, so both failures cost one PBKDF2 run and answer the
 * same (ASVS 5.0 6.3.8). Made once per isolate with the production parameters.
 */
let decoyHash: Promise<PasswordHash> | undefined;
function decoy(): Promise<PasswordHash> {
  decoyHash ??= hashPassword(crypto.randomUUID());
  return decoyHash;
}

async function startSession(c: Context<AppEnv>, account: UserAccount, transport: "cookie" | "bearer") {
  const { token, session } = await sessionStore(c.env).create({
    userId: account.id,
    role: account.role,
    epoch: account.sessionEpoch,
    userAgent: c.req.header("User-Agent") ?? "",
  });
  if (transport === "cookie") setSessionCookie(c, token, session);
  return authResult(account, session, transport === "bearer" ? token : undefined);
}

export function authResult(account: UserAccount, session: SessionRecord, token?: string) {
  return {
    user: toPublicUser(account),
    session: { id: session.id, expiresAt: new Date(session.absoluteExpiresAt).toISOString() },
    ...(token ? { token } : {}),
  };
}

export { startSession };

export function createAuthRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/auth/register",
      tags: ["auth"],
      summary: "Create an account and sign in (cookie)",
      description:
        "The first account registered becomes admin, unless ADMIN_EMAIL is configured: then only that email does.",
      request: { body: { content: { "application/json": { schema: RegisterBodySchema } }, required: true } },
      responses: {
        201: json(AuthResultSchema, "Account created and signed in"),
        ...AUTH_ERRORS,
        409: problem("An account with this email exists"),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      await enforceAuthIpLimit(c);
      const created = await userService(c.env).create({
        email: body.email,
        displayName: body.displayName,
        password: await hashPassword(body.password),
      });
      if (!created.ok) {
        throw new AppError(409, "email-taken", "This email is already registered", {
          detail: "Sign in instead, or use another email",
        });
      }
      c.get("logger").info("user registered", { userId: created.user.id, role: created.user.role });
      return c.json(await startSession(c, created.user, "cookie"), 201);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/auth/login",
      tags: ["auth"],
      summary: "Sign in with email and password; a new session each time",
      request: { body: { content: { "application/json": { schema: LoginBodySchema } }, required: true } },
      responses: { 200: json(AuthResultSchema, "Signed in"), ...AUTH_ERRORS },
    }),
    async (c) => {
      const { email, password, transport } = c.req.valid("json");
      // Limits apply before any hashing, so a password-guessing burst costs us almost nothing. Only failures
      // count toward the lock-out (see login-limits.ts): a right password gives its reserved tokens back.
      const attempt = await startLoginAttempt(c, email);
      const users = userService(c.env);
      const account = await users.findByEmail(email);
      const valid = await verifyPassword(password, account?.password ?? (await decoy()));
      if (!account || !valid) {
        c.get("logger").warn("login failed", { known: account !== null });
        throw INVALID_CREDENTIALS();
      }
      await attempt.succeeded();
      if (account.disabled) {
        throw new AppError(403, "account-disabled", "This account is disabled", {
          detail: "Ask an administrator to enable it",
        });
      }
      if (needsRehash(account.password)) {
        await users.update(account.id, { password: await hashPassword(password) });
      }
      c.get("logger").info("login", { userId: account.id, transport });
      return c.json(await startSession(c, account, transport), 200);
    },
  );

  router.openapi(
    userRoute({
      method: "post",
      path: "/api/auth/logout",
      tags: ["auth"],
      summary: "Sign out: revoke this session (its open room sockets are closed with 4401)",
      responses: { 204: { description: "Signed out" } },
    }),
    async (c) => {
      const principal = c.get("principal");
      if (principal) {
        await sessionStore(c.env).revoke(principal.userId, principal.sessionId);
        await sessionsEnded(c, { userId: principal.userId, sessions: [principal.sessionId] });
      }
      clearSessionCookie(c);
      return c.body(null, 204);
    },
  );

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/auth/session",
      tags: ["auth"],
      summary: "The current session as KV knows it (no database read): for cheap signed-in checks",
      responses: { 200: json(PrincipalSchema, "The session's principal") },
    }),
    (c) => {
      const principal = c.get("principal");
      if (!principal) throw INVALID_CREDENTIALS();
      c.header("Cache-Control", "private, no-store");
      const { sessionId, userId, role, via } = principal;
      return c.json({ sessionId, userId, role, via }, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/auth/me",
      tags: ["auth"],
      summary: "The signed-in user, read from D1",
      responses: { 200: json(UserSchema, "The signed-in user") },
    }),
    async (c) => {
      c.header("Cache-Control", "private, no-store");
      return c.json(toPublicUser(await currentAccount(c)), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/auth/state",
      tags: ["auth"],
      summary: "Whether anyone is signed in here: the user, or null (always 200, so pages can ask without an error)",
      security: [...SESSION_SECURITY, {}],
      responses: { 200: json(z.object({ user: UserSchema.nullable() }), "The signed-in user, or null") },
    }),
    async (c) => {
      c.header("Cache-Control", "private, no-store");
      if (!c.get("principal")) return c.json({ user: null }, 200);
      try {
        return c.json({ user: toPublicUser(await currentAccount(c)) }, 200);
      } catch (error) {
        // An ended session (revoked, disabled, epoch bumped) is simply "signed out" here.
        if (error instanceof AppError && error.status === 401) return c.json({ user: null }, 200);
        throw error;
      }
    },
  );

  return router;
}

// Profiles: change my name or password; admins list users and change their role or disabled state.
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { hashPassword, verifyPassword } from "@outpost/edge-kit/crypto";
import { AppError, errors } from "@outpost/edge-kit/errors";
import { text } from "@outpost/edge-kit/text";
import { appCache } from "../../http/app-cache";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { json } from "../../http/openapi";
import { problem } from "../../http/problem-schema";
import { authResult } from "./auth.routes";
import {
  AdminUpdateUserBodySchema,
  AuthResultSchema,
  ProfileSchema,
  UpdateMeBodySchema,
  UserIdSchema,
  UserListQuerySchema,
  UserLookupQuerySchema,
  UserPageSchema,
  UserSchema,
} from "./auth.schema";
import { adminRoute, currentAccount, userRoute } from "./guards";
import { startLoginAttempt } from "./login-limits";
import { sessionStore, setSessionCookie, userService } from "./session.middleware";
import { sessionsEnded } from "./session-revocation";
import { toPublicUser } from "./users.service";

/** The admin list's query: the shared paging fields, and a search. */
const AdminUserListQuerySchema = UserListQuerySchema.extend({
  q: text()
    .trim()
    .min(1, "must be 1–100 characters")
    .max(100, "must be 1–100 characters")
    .optional()
    .openapi({
      param: { name: "q", in: "query" },
      description:
        "Search, 1–100 characters after trimming: users whose email starts with it or whose display name " +
        "contains it, ignoring ASCII case; every character matches itself (`%` and `_` are not wildcards). " +
        "Combines with `cursor` and `limit`.",
      example: "ada",
    }),
});

export function createUserRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    userRoute({
      method: "patch",
      path: "/api/users/me",
      tags: ["users"],
      summary: "Change my display name, or my password (with the current one)",
      description:
        "A password change ends every session of the account (their room sockets close with 4401) and starts " +
        "a new one for this client (cookie, or a new bearer token in the body).",
      request: { body: { content: { "application/json": { schema: UpdateMeBodySchema } }, required: true } },
      responses: {
        200: json(AuthResultSchema.partial({ session: true }), "Updated"),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const account = await currentAccount(c);
      const users = userService(c.env);
      if (!body.password) {
        const updated = await users.update(account.id, { displayName: body.displayName });
        if (!updated) throw errors.unauthorized();
        await appCache(c, "users").invalidate(account.id);
        return c.json({ user: toPublicUser(updated) }, 200);
      }
      // Guessing the current password is limited like a login: only a wrong one counts.
      const attempt = await startLoginAttempt(c, account.email);
      if (!(await verifyPassword(body.password.current, account.password))) {
        throw new AppError(400, "wrong-password", "The current password is incorrect", {
          errors: [{ path: "body.password.current", message: "is incorrect" }],
        });
      }
      await attempt.succeeded();
      const updated = await users.update(
        account.id,
        { displayName: body.displayName, password: await hashPassword(body.password.next) },
        { revokeSessions: true },
      );
      if (!updated) throw errors.unauthorized();
      await appCache(c, "users").invalidate(account.id);
      const store = sessionStore(c.env);
      await store.revokeAll(account.id);
      // Every session made before the new epoch ended, this client's too (it gets a new one below).
      await sessionsEnded(c, { userId: account.id, belowEpoch: updated.sessionEpoch });
      const via = c.get("principal")?.via ?? "cookie";
      const { token, session } = await store.create({
        userId: updated.id,
        role: updated.role,
        epoch: updated.sessionEpoch,
        userAgent: c.req.header("User-Agent") ?? "",
      });
      if (via === "cookie") setSessionCookie(c, token, session);
      c.get("logger").info("password changed", { userId: account.id });
      return c.json(authResult(updated, session, via === "bearer" ? token : undefined), 200);
    },
  );

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/users/lookup",
      tags: ["users"],
      summary: "Display names for up to 100 user ids (signed-in users); unknown ids are left out",
      request: { query: UserLookupQuerySchema },
      responses: { 200: json(z.object({ users: z.array(ProfileSchema) }), "Profiles") },
    }),
    async (c) => {
      const { ids } = c.req.valid("query");
      // The seeds' cache-then-bulk-query pattern: one bulk KV read, one D1 query for the misses.
      const profiles = await appCache(c, "users").getMany(
        ids,
        async (missing) => {
          const accounts = await userService(c.env).findManyByIds(missing);
          return new Map([...accounts].map(([id, a]) => [id, { id, displayName: a.displayName }]));
        },
        ProfileSchema,
      );
      c.header("Cache-Control", "private, max-age=60");
      return c.json({ users: ids.flatMap((id) => profiles.get(id) ?? []) }, 200);
    },
  );

  router.openapi(
    adminRoute({
      method: "get",
      path: "/api/users",
      tags: ["admin"],
      summary: "All users, or those matching a search, oldest first, 1–100 a page (admin)",
      request: { query: AdminUserListQuerySchema },
      responses: { 200: json(UserPageSchema, "A page of users") },
    }),
    async (c) => {
      const { cursor, limit, q } = c.req.valid("query");
      c.header("Cache-Control", "private, no-store");
      return c.json(await userService(c.env).list({ cursor, limit, q }), 200);
    },
  );

  router.openapi(
    adminRoute({
      method: "patch",
      path: "/api/users/{id}",
      tags: ["admin"],
      summary:
        "Change a user's role or disabled state (admin); takes effect at once on admin routes, and the user's room sockets close with 4401",
      request: {
        params: z.object({ id: UserIdSchema }),
        body: { content: { "application/json": { schema: AdminUpdateUserBodySchema } }, required: true },
      },
      responses: {
        200: json(UserSchema, "The updated user"),
        404: problem("No such user"),
        409: problem("This would leave no active administrator"),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      const users = userService(c.env);
      const target = await users.findById(id);
      if (!target) throw errors.notFound("No user has this id");
      const losesAdmin =
        target.role === "admin" && !target.disabled && (body.role === "member" || body.disabled === true);
      if (losesAdmin && (await users.countActiveAdmins()) <= 1) {
        throw errors.conflict("last-admin", "Promote another administrator first");
      }
      const revoke = (body.role !== undefined && body.role !== target.role) || body.disabled === true;
      const updated = await users.update(id, { role: body.role, disabled: body.disabled }, { revokeSessions: revoke });
      if (!updated) throw errors.notFound("No user has this id");
      if (body.disabled === true) await sessionStore(c.env).revokeAll(id);
      await appCache(c, "users").invalidate(id);
      // A raised epoch ends every earlier session on the D1-checked routes: their room sockets go too.
      if (revoke) await sessionsEnded(c, { userId: id, belowEpoch: updated.sessionEpoch });
      c.get("logger").info("user changed by admin", { userId: id, by: c.get("principal")?.userId, ...body });
      return c.json(toPublicUser(updated), 200);
    },
  );

  return router;
}

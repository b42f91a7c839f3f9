// My sessions: list them, revoke one, or revoke every other one ("sign out everywhere else").
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { errors } from "@outpost/edge-kit/errors";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { json } from "../../http/openapi";
import { problem } from "../../http/problem-schema";
import { SessionIdSchema, SessionViewSchema } from "./auth.schema";
import { currentAccount, userRoute } from "./guards";
import { clearSessionCookie, sessionStore } from "./session.middleware";
import { sessionsEnded } from "./session-revocation";

export function createSessionRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/sessions",
      tags: ["sessions"],
      summary: "My live sessions, newest first; the one making this request is marked current",
      responses: { 200: json(z.object({ sessions: z.array(SessionViewSchema) }), "Sessions") },
    }),
    async (c) => {
      const principal = c.get("principal");
      if (!principal) throw errors.unauthorized();
      const sessions = await sessionStore(c.env).list(principal.userId);
      c.header("Cache-Control", "private, no-store");
      return c.json(
        {
          sessions: sessions.map((s) => ({
            id: s.id,
            current: s.id === principal.sessionId,
            createdAt: new Date(s.createdAt).toISOString(),
            lastSeenAt: new Date(s.lastSeenAt).toISOString(),
            userAgent: s.userAgent,
          })),
        },
        200,
      );
    },
  );

  router.openapi(
    userRoute({
      method: "delete",
      path: "/api/sessions/{id}",
      tags: ["sessions"],
      summary: "Revoke one of my sessions (another user's session id answers 404); its room sockets close with 4401",
      request: { params: z.object({ id: SessionIdSchema }) },
      responses: { 204: { description: "Revoked" }, 404: problem("No such session of yours") },
    }),
    async (c) => {
      const account = await currentAccount(c);
      const { id } = c.req.valid("param");
      if (!(await sessionStore(c.env).revoke(account.id, id)))
        throw errors.notFound("You have no session with this id");
      await sessionsEnded(c, { userId: account.id, sessions: [id] });
      if (id === c.get("principal")?.sessionId) clearSessionCookie(c);
      return c.body(null, 204);
    },
  );

  router.openapi(
    userRoute({
      method: "delete",
      path: "/api/sessions",
      tags: ["sessions"],
      summary:
        "Sign out everywhere else: revoke all my sessions except this one; room sockets of the others close with 4401",
      responses: { 200: json(z.object({ revoked: z.number().int() }), "How many were revoked") },
    }),
    async (c) => {
      const account = await currentAccount(c);
      const keepSession = c.get("principal")?.sessionId ?? "";
      const revoked = await sessionStore(c.env).revokeAllListed(account.id, keepSession);
      await sessionsEnded(c, { userId: account.id, keepSession, sessions: revoked });
      return c.json({ revoked: revoked.length }, 200);
    },
  );

  return router;
}

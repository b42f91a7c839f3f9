// The Outpost HTTP app: middleware order in one place, one router per feature, one error handler.
import { OpenAPIHono } from "@hono/zod-openapi";
import { methodNotAllowed } from "hono/method-not-allowed";
import { secureHeaders } from "hono/secure-headers";
import { createAdminRoutes } from "./features/admin";
import { createAssistantRoutes } from "./features/assistant";
import {
  authenticate,
  createAuthRoutes,
  createSessionRoutes,
  createUserRoutes,
  csrfProtection,
  onSessionsEnded,
} from "./features/auth";
import { createCounterRoutes } from "./features/counters";
import { createFileRoutes, createFilesAdminRoutes, isUploadPath, isUploadRequest } from "./features/files";
import { createFlagRoutes } from "./features/flags";
import { createInboxRoutes, revokeInboxSessions } from "./features/inbox";
import { rateLimit } from "./features/limits";
import {
  createRoomAttachmentRoutes,
  createRoomMemberRoutes,
  createRoomRoutes,
  revokeRoomSessions,
} from "./features/rooms";
import { createSearchRoutes } from "./features/search";
import { createSystemRoutes, OPENAPI_INFO } from "./features/system";
import type { AppEnv } from "./http/app-env";
import { requestBodyLimit } from "./http/body-limit";
import { onError, onMethodNotAllowed, onNotFound } from "./http/error-handler";
import { recordRefusal, requestMetrics } from "./http/metrics";
import { originPolicy } from "./http/origin-policy";
import { requestContext } from "./http/request-context";
import { drainUnreadBodies } from "./http/unread-body";
import { wellFormedRequest } from "./http/well-formed-request";

function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.openAPIRegistry.registerComponent("securitySchemes", "sessionCookie", {
    type: "apiKey",
    in: "cookie",
    name: "__Host-outpost_session",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerToken", { type: "http", scheme: "bearer" });
  let document: unknown;
  const getDocument = () => {
    document ??= app.getOpenAPI31Document(OPENAPI_INFO);
    return document;
  };

  // 1. Request id, logger and AsyncLocalStorage context: everything after this can log with the id.
  app.use("*", requestContext());
  // In development, a body the app answered without reading is read before the response leaves, or the dev
  // server's relay to workerd answers the next request on that connection 500 (see src/http/unread-body.ts).
  app.use("*", drainUnreadBodies());
  // Requests by route and status, flushed to the Metrics object every few seconds.
  app.use("*", requestMetrics());
  // 2. 405 with Allow for known paths called with the wrong method (runs after the router answers 404).
  app.use("*", methodNotAllowed({ app, onMethodNotAllowed }));
  // 3. Security headers on every response. The API serves JSON, so its CSP forbids everything.
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], frameAncestors: ["'none'"] },
      crossOriginResourcePolicy: "same-origin",
      referrerPolicy: "no-referrer",
      // Handlers that set their own (file content: a sandboxing CSP) keep it.
      overwrite: false,
    }),
  );
  // 4. CORS for allow-listed origins only; foreign origins cannot preflight or change anything.
  app.use("*", originPolicy());
  // 5. Bodies above the configured limit are refused before any handler reads them (file uploads stream
  //    under the files feature's own, larger limit).
  app.use("*", requestBodyLimit({ exempt: isUploadRequest }));
  // 6. Who is calling: a session from the cookie or a bearer token (never the query string).
  app.use("*", authenticate());
  // 7. Cookie-authenticated writes must come from our own pages, with JSON bodies.
  app.use("*", csrfProtection({ rawBodyPaths: isUploadPath }));
  // 8. Every method on the API is rate limited: per user when signed in, per client IP otherwise.
  const apiLimit = rateLimit({ policy: "api", onRefusal: recordRefusal });
  app.use("/api/*", apiLimit);
  app.use("/counter/*", apiLimit);
  app.use("/room/*", apiLimit);
  // 9. Text must be well-formed: a URL that does not decode as UTF-8, or a JSON body that is not UTF-8, is a 400
  //    (the schemas' `text()` refuses lone surrogates inside the parsed strings).
  app.use("*", wellFormedRequest({ rawBodyPaths: isUploadPath }));

  // When sessions end (logout, revoke, password change, disable), the rooms close the sockets opened with them.
  onSessionsEnded((env, ended, c) => revokeRoomSessions(env, ended, c.get("logger")));
  onSessionsEnded((env, ended, c) => revokeInboxSessions(env, ended, c.get("logger")));

  // Features.
  app.route("/", createSystemRoutes(getDocument));
  app.route("/", createAuthRoutes());
  app.route("/", createSessionRoutes());
  app.route("/", createUserRoutes());
  app.route("/", createFlagRoutes());
  app.route("/", createAdminRoutes());
  app.route("/", createRoomRoutes());
  app.route("/", createRoomMemberRoutes());
  app.route("/", createRoomAttachmentRoutes());
  app.route("/", createSearchRoutes());
  app.route("/", createInboxRoutes());
  app.route("/", createFileRoutes());
  app.route("/", createFilesAdminRoutes());
  app.route("/", createAssistantRoutes());
  app.route("/", createCounterRoutes("/api/counters"));
  app.route("/", createCounterRoutes("/counter"));

  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}

export const app = createApp();

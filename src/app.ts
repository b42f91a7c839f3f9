// The Outpost HTTP app: middleware order in one place, one router per feature, one error handler.
import { OpenAPIHono } from "@hono/zod-openapi";
import { methodNotAllowed } from "hono/method-not-allowed";
import { secureHeaders } from "hono/secure-headers";
import { createCounterRoutes } from "./features/counters/counters.routes";
import { createSystemRoutes, OPENAPI_INFO } from "./features/system/system.routes";
import type { AppEnv } from "./http/app-env";
import { requestBodyLimit } from "./http/body-limit";
import { onError, onMethodNotAllowed, onNotFound } from "./http/error-handler";
import { originPolicy } from "./http/origin-policy";
import { requestContext } from "./http/request-context";

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  let document: unknown;
  const getDocument = () => {
    document ??= app.getOpenAPI31Document(OPENAPI_INFO);
    return document;
  };

  // 1. Request id, logger and AsyncLocalStorage context: everything after this can log with the id.
  app.use("*", requestContext());
  // 2. 405 with Allow for known paths called with the wrong method (runs after the router answers 404).
  app.use("*", methodNotAllowed({ app, onMethodNotAllowed }));
  // 3. Security headers on every response. The API serves JSON, so its CSP forbids everything.
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], frameAncestors: ["'none'"] },
      crossOriginResourcePolicy: "same-origin",
      referrerPolicy: "no-referrer",
    }),
  );
  // 4. CORS for allow-listed origins only; foreign origins cannot preflight or change anything.
  app.use("*", originPolicy());
  // 5. Bodies above the configured limit are refused before any handler reads them.
  app.use("*", requestBodyLimit());

  // Features.
  app.route("/", createSystemRoutes(getDocument));
  app.route("/", createCounterRoutes("/api/counters"));
  app.route("/", createCounterRoutes("/counter"));

  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}

export const app = createApp();

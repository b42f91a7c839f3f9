// System routes: /api/status (what is running and whether it is wired), the OpenAPI document, its docs page.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import packageJson from "../../../package.json";
import { getConfig } from "../../config";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { edgeCache } from "../../http/edge-cache";
import { recordMetric } from "../../http/metrics";
import { COMMON_ERRORS } from "../../http/problem-schema";
import { renderDocsPage } from "./docs-page";
import { readMigrationState } from "./migrations";
import { BINDING_NAMES, type Status, StatusSchema } from "./system.schema";

export const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Outpost API",
    version: packageJson.version,
    description: "Realtime team workspace on Cloudflare Workers. Errors are RFC 9457 application/problem+json.",
  },
} as const;

async function pingUnfurl(env: Env): Promise<Status["services"]["unfurl"]> {
  if (!env.UNFURL) return "absent";
  try {
    const reply = await env.UNFURL.ping();
    return reply.ok ? "ok" : "unreachable";
  } catch {
    return "unreachable";
  }
}

/** The API description is the same for everyone: cache it at the edge with an ETag. */
const publicCache = edgeCache({ maxAgeSeconds: 300, onEvent: (kind) => recordMetric(`cache:edge:${kind}`) });

/** `getDocument` is the whole app's OpenAPI document, supplied by app.ts once every route is registered. */
export function createSystemRoutes(getDocument: () => unknown): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/status",
      tags: ["system"],
      summary: "Version, environment, configured bindings, AI provider and D1 migration state",
      responses: {
        200: { description: "Status", content: { "application/json": { schema: StatusSchema } } },
        ...COMMON_ERRORS,
      },
    }),
    async (c) => {
      const config = getConfig(c.env);
      const bindings = Object.fromEntries(
        BINDING_NAMES.map((name) => [name, (c.env as unknown as Record<string, unknown>)[name] != null]),
      );
      const [unfurl, migrations] = await Promise.all([pingUnfurl(c.env), readMigrationState(c.env.DB)]);
      const aiAvailable = config.AI_PROVIDER === "workers-ai" ? bindings.AI === true : config.AI_PROVIDER === "offline";
      const status: Status = {
        name: "outpost",
        version: packageJson.version,
        environment: config.ENVIRONMENT,
        time: new Date().toISOString(),
        bindings,
        ai: { provider: config.AI_PROVIDER, available: aiAvailable },
        services: { unfurl },
        migrations,
      };
      c.header("Cache-Control", "no-store");
      return c.json(status, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/openapi.json",
      tags: ["system"],
      middleware: [publicCache] as const,
      summary: "This API's OpenAPI 3.1 document, generated from the route schemas",
      responses: {
        200: {
          description: "OpenAPI document",
          content: { "application/json": { schema: z.object({ openapi: z.string() }).passthrough() } },
        },
      },
    }),
    (c) => c.json(getDocument() as { openapi: string }, 200),
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/docs",
      tags: ["system"],
      middleware: [publicCache] as const,
      summary: "Human-readable API reference rendered from the OpenAPI document",
      responses: { 200: { description: "HTML page", content: { "text/html": { schema: z.string() } } } },
    }),
    (c) => c.html(renderDocsPage(getDocument())),
  );

  return router;
}

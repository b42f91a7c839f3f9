// Feature flags: everyone reads their own evaluation; admins read every definition and write them.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { problem } from "../../http/problem-schema";
import { AppError, errors } from "../../kit/errors";
import { type Flag, FlagStore, MAX_FLAG_BYTES } from "../../kit/flags";
import { appCache } from "../admin/caches";
import { AUTH_ERRORS, json, SESSION_SECURITY } from "../auth/auth.openapi";
import { currentAccount, requireAdmin } from "../auth/session.middleware";
import {
  FeaturesResponseSchema,
  FlagBodySchema,
  FlagEvaluationSchema,
  FlagNameParamSchema,
  type FlagView,
  FlagViewSchema,
} from "./flags.schema";

/** One store per KV binding per isolate, so its short definition cache is shared across requests. */
const stores = new WeakMap<KVNamespace, FlagStore>();
export function flagStore(env: Env): FlagStore {
  let store = stores.get(env.CONFIG);
  if (!store) {
    // No in-isolate definition cache here: evaluated sets are cached in KV (namespace "flags"), and a
    // second, staler layer could refill that cache with old definitions right after an invalidation.
    store = new FlagStore(env.CONFIG, { cacheMs: 0 });
    stores.set(env.CONFIG, store);
  }
  return store;
}

function view(flag: Flag): FlagView {
  const { salt: _salt, ...rest } = flag;
  return rest;
}

const EvaluatedSchema = z.record(z.string(), z.boolean());

const flagBodyLimit = bodyLimit({
  maxSize: MAX_FLAG_BYTES,
  onError: () => {
    throw errors.payloadTooLarge(MAX_FLAG_BYTES);
  },
});

export function createFlagRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();
  const tags = ["features"];

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/features",
      tags,
      summary: "Every flag evaluated for me; admins also get every definition",
      responses: { 200: json(FeaturesResponseSchema, "Flags"), ...AUTH_ERRORS },
    }),
    async (c) => {
      const principal = c.get("principal");
      const store = flagStore(c.env);
      const user = principal ? { id: principal.userId } : null;
      const evaluated =
        (await appCache(c, "flags").getOrSet(
          `eval:${user?.id ?? "anonymous"}`,
          () => store.evaluateAll(user),
          EvaluatedSchema,
        )) ?? {};
      c.header("Cache-Control", "private, no-store");
      if (principal?.role === "admin" && (await currentAccount(c)).role === "admin") {
        const { flags, corrupt } = await store.listAll();
        return c.json({ evaluated, definitions: flags.map(view), corrupt }, 200);
      }
      return c.json({ evaluated }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/features/{name}",
      tags,
      summary: "One flag evaluated for me (the caller; there is no way to ask for someone else)",
      request: { params: z.object({ name: FlagNameParamSchema }) },
      responses: { 200: json(FlagEvaluationSchema, "The evaluation"), ...AUTH_ERRORS, 404: problem("No such flag") },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const principal = c.get("principal");
      const result = await flagStore(c.env).evaluate(name, principal ? { id: principal.userId } : null);
      if (!result.exists) throw errors.notFound(`There is no flag named '${name}'`);
      c.header("Cache-Control", "private, no-store");
      return c.json({ name, on: result.on, reason: result.reason }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "put",
      path: "/api/features/{name}",
      tags: ["features", "admin"],
      summary: "Create or replace a flag (admin); at most 8 KiB",
      security: SESSION_SECURITY,
      middleware: [flagBodyLimit, requireAdmin()] as const,
      request: {
        params: z.object({ name: FlagNameParamSchema }),
        body: { content: { "application/json": { schema: FlagBodySchema } }, required: true },
      },
      responses: {
        200: json(FlagViewSchema, "The stored flag"),
        ...AUTH_ERRORS,
        413: problem("The flag is larger than 8 KiB"),
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const result = await flagStore(c.env).put(name, c.req.valid("json"), c.get("principal")?.userId ?? "");
      if (!result.ok) {
        if (result.reason === "too-large") throw errors.payloadTooLarge(MAX_FLAG_BYTES);
        throw new AppError(400, "invalid-request", "The request is not valid", {
          errors: result.issues.map((issue) => ({ path: `body.${issue.path}`, message: issue.message })),
        });
      }
      await appCache(c, "flags").invalidateAll();
      c.get("logger").info("flag written", { flag: name, by: c.get("principal")?.userId });
      return c.json(view(result.flag), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "delete",
      path: "/api/features/{name}",
      tags: ["features", "admin"],
      summary: "Delete a flag (admin)",
      security: SESSION_SECURITY,
      middleware: [requireAdmin()] as const,
      request: { params: z.object({ name: FlagNameParamSchema }) },
      responses: { 204: { description: "Deleted" }, ...AUTH_ERRORS, 404: problem("No such flag") },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      if (!(await flagStore(c.env).delete(name))) throw errors.notFound(`There is no flag named '${name}'`);
      await appCache(c, "flags").invalidateAll();
      c.get("logger").info("flag deleted", { flag: name, by: c.get("principal")?.userId });
      return c.body(null, 204);
    },
  );

  return router;
}

// Feature flags: everyone reads their own evaluation; admins read every definition, write them and preview rollouts.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError, errors } from "@outpost/edge-kit/errors";
import { type Flag, MAX_FLAG_BYTES } from "@outpost/edge-kit/flags";
import type { MiddlewareHandler } from "hono";
import { appCache } from "../../http/app-cache";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { AUTH_ERRORS, json } from "../../http/openapi";
import { problem } from "../../http/problem-schema";
import { adminRoute, currentAccount, userService } from "../auth";
import { flagStore } from "./flag-store";
import {
  FeaturesResponseSchema,
  FlagBodySchema,
  FlagEvaluationSchema,
  FlagNameParamSchema,
  type FlagPreview,
  FlagPreviewSchema,
  type FlagView,
  FlagViewSchema,
} from "./flags.schema";
import { PREVIEW_MAX_USERS, previewRollout } from "./rollout-preview";

function view(flag: Flag): FlagView {
  const { salt: _salt, ...rest } = flag;
  return rest;
}

/**
 * A salt for previewing a flag that is not saved yet, the same on every call for one name, so moving a
 * rollout slider only ever adds or removes users (a random one would reshuffle the sample each time).
 */
async function provisionalSalt(name: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`outpost:flag-preview:${name}`));
  return [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const EvaluatedSchema = z.record(z.string(), z.boolean());

/**
 * An admin's read or write of the store itself: KV failing is an outage, answered 503 `flags-unavailable`
 * with Retry-After (the cause logged by the error handler), not a 500. Evaluation never gets here: it falls
 * back to the flags' defaults instead.
 */
async function storeWrite<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw new AppError(503, "flags-unavailable", "Feature flags are unavailable", {
      detail: "The flag store cannot be reached; try again shortly",
      headers: { "Retry-After": "5" },
      cause: error,
    });
  }
}

/** Thrown out of the evaluation cache's loader so the defaults are answered but never cached. */
class FlagsUnavailable extends Error {
  constructor(readonly defaults: Record<string, boolean>) {
    super("flag store unavailable");
  }
}

/**
 * 413 for a flag body over 8 KiB. Measures the body through Hono's cached copy, which the app's body-size
 * limit (64 KiB) already bounds: hono/body-limit would read `raw.body` again for a body sent without
 * Content-Length, and that stream was already read by the well-formed-text check (a TypeError, so a 500).
 */
const flagBodyLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const declared = Number(c.req.header("Content-Length"));
  const tooLarge =
    declared > MAX_FLAG_BYTES || (c.req.raw.body !== null && (await c.req.arrayBuffer()).byteLength > MAX_FLAG_BYTES);
  if (tooLarge) throw errors.payloadTooLarge(MAX_FLAG_BYTES);
  await next();
};

export function createFlagRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/features",
      tags: ["features"],
      summary: "Every flag evaluated for me; admins also get every definition",
      responses: { 200: json(FeaturesResponseSchema, "Flags"), ...AUTH_ERRORS },
    }),
    async (c) => {
      const principal = c.get("principal");
      const store = flagStore(c.env);
      const user = principal ? { id: principal.userId } : null;
      // KV CONFIG unreadable: the flags' defaults, not a 5xx, and not cached (they would outlive the outage).
      const evaluated =
        (await appCache(c, "flags")
          .getOrSet(
            `eval:${user?.id ?? "anonymous"}`,
            async () => {
              const result = await store.evaluateAllWithStatus(user);
              if (result.unavailable) throw new FlagsUnavailable(result.flags);
              return result.flags;
            },
            EvaluatedSchema,
          )
          .catch((error: unknown) => {
            if (error instanceof FlagsUnavailable) return error;
            throw error;
          })) ?? {};
      c.header("Cache-Control", "private, no-store");
      if (evaluated instanceof FlagsUnavailable) {
        c.get("logger").warn("flags unavailable: answered with defaults", { route: "features" });
        return c.json({ evaluated: evaluated.defaults, unavailable: true as const }, 200);
      }
      if (principal?.role === "admin" && (await currentAccount(c)).role === "admin") {
        const listing = await store.listAll().catch((error: unknown) => {
          c.get("logger").warn("flags unavailable: definitions left out", { error });
          return null;
        });
        if (!listing) return c.json({ evaluated, unavailable: true as const }, 200);
        return c.json({ evaluated, definitions: listing.flags.map(view), corrupt: listing.corrupt }, 200);
      }
      return c.json({ evaluated }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/features/{name}",
      tags: ["features"],
      summary: "One flag evaluated for me (the caller; there is no way to ask for someone else)",
      request: { params: z.object({ name: FlagNameParamSchema }) },
      responses: { 200: json(FlagEvaluationSchema, "The evaluation"), ...AUTH_ERRORS, 404: problem("No such flag") },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const principal = c.get("principal");
      const result = await flagStore(c.env).evaluate(name, principal ? { id: principal.userId } : null);
      if (result.reason === "unavailable") {
        c.get("logger").warn("flags unavailable: answered with the default", { flag: name });
      } else if (!result.exists) throw errors.notFound(`There is no flag named '${name}'`);
      c.header("Cache-Control", "private, no-store");
      return c.json({ name, on: result.on, reason: result.reason }, 200);
    },
  );

  router.openapi(
    adminRoute({
      method: "put",
      path: "/api/features/{name}",
      tags: ["features", "admin"],
      summary: "Create or replace a flag (admin); at most 8 KiB",
      middleware: [flagBodyLimit],
      request: {
        params: z.object({ name: FlagNameParamSchema }),
        body: { content: { "application/json": { schema: FlagBodySchema } }, required: true },
      },
      responses: {
        200: json(FlagViewSchema, "The stored flag"),
        413: problem("The flag is larger than 8 KiB"),
        503: problem("The flag store cannot be reached; retry later"),
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const result = await storeWrite(
        flagStore(c.env).put(name, c.req.valid("json"), c.get("principal")?.userId ?? ""),
      );
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
    adminRoute({
      method: "post",
      path: "/api/features/{name}/preview",
      tags: ["features", "admin"],
      summary: "Who a flag definition would turn on, before saving it (admin); nothing is written",
      description:
        "Takes the body of a flag write and evaluates it for every user (up to 10 000, oldest first) with the " +
        "same function real evaluation uses. For a saved flag the stored salt is used, so the answer is exact.",
      middleware: [flagBodyLimit],
      request: {
        params: z.object({ name: FlagNameParamSchema }),
        body: { content: { "application/json": { schema: FlagBodySchema } }, required: true },
      },
      responses: {
        200: json(FlagPreviewSchema, "How the users would split"),
        413: problem("The flag is larger than 8 KiB"),
        503: problem("The flag store cannot be reached; retry later"),
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const stored = await storeWrite(flagStore(c.env).get(name));
      // FlagStore.put keeps a saved flag's salt and makes one for a new (or corrupt) flag.
      const flag: Flag = {
        ...c.req.valid("json"),
        name,
        salt: stored.ok ? stored.flag.salt : await provisionalSalt(name),
        updatedAt: new Date().toISOString(),
        updatedBy: c.get("principal")?.userId ?? "",
      };
      const users = userService(c.env);
      const result = await previewRollout(flag, (cursor, limit) => users.list({ cursor, limit }));
      const preview: FlagPreview = { name, exact: stored.ok, maxUsers: PREVIEW_MAX_USERS, ...result };
      c.header("Cache-Control", "private, no-store");
      return c.json(preview, 200);
    },
  );

  router.openapi(
    adminRoute({
      method: "delete",
      path: "/api/features/{name}",
      tags: ["features", "admin"],
      summary: "Delete a flag (admin)",
      request: { params: z.object({ name: FlagNameParamSchema }) },
      responses: {
        204: { description: "Deleted" },
        404: problem("No such flag"),
        503: problem("The flag store cannot be reached; retry later"),
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      if (!(await storeWrite(flagStore(c.env).delete(name)))) throw errors.notFound(`There is no flag named '${name}'`);
      await appCache(c, "flags").invalidateAll();
      c.get("logger").info("flag deleted", { flag: name, by: c.get("principal")?.userId });
      return c.body(null, 204);
    },
  );

  return router;
}

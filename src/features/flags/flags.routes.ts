// Feature flags: everyone reads their own evaluation; admins read every definition, write them and preview rollouts.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError, errors } from "@outpost/edge-kit/errors";
import { type Flag, MAX_FLAG_BYTES } from "@outpost/edge-kit/flags";
import { bodyLimit } from "hono/body-limit";
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

const flagBodyLimit = bodyLimit({
  maxSize: MAX_FLAG_BYTES,
  onError: () => {
    throw errors.payloadTooLarge(MAX_FLAG_BYTES);
  },
});

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
      tags: ["features"],
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
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const stored = await flagStore(c.env).get(name);
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
      responses: { 204: { description: "Deleted" }, 404: problem("No such flag") },
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

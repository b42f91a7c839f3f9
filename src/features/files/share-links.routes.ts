// Share links over HTTP: create, list and revoke a file's links, and open a shared file without signing in.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { errors } from "@outpost/edge-kit/errors";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { json, problem } from "../../http/openapi";
import { serveContent } from "./file-content";
import { fileErrors } from "./file-errors";
import { visibleFile } from "./file-request";
import { CONTENT_RESPONSES, FILE_TAGS, FileParamSchema, fileRoute } from "./file-route";
import { FileIdSchema, ShareLinkCreateSchema, ShareLinkSchema } from "./files.schema";
import { createShareLink, resolveShareToken, ShareLinkStore } from "./share-links";

export function createShareLinkRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    fileRoute({
      method: "post",
      path: "/api/files/{id}/links",
      summary: "Create a share link: a signed URL that opens the file without signing in until it expires",
      request: { body: { content: { "application/json": { schema: ShareLinkCreateSchema } }, required: true } },
      responses: { 201: json(ShareLinkSchema, "The link (its URL is shown only now)"), 409: problem("Not stored yet") },
    }),
    async (c) => {
      const record = await visibleFile(c, c.req.valid("param").id);
      if (record.status === "uploading") throw fileErrors.notReady();
      const link = await createShareLink(
        c.env,
        record,
        c.req.valid("json").expiresInSeconds,
        new URL(c.req.url).origin,
      );
      c.header("Cache-Control", "no-store");
      return c.json(link, 201);
    },
  );

  router.openapi(
    fileRoute({
      method: "get",
      path: "/api/files/{id}/links",
      summary: "The file's share links (URLs are not stored, so they are not shown again)",
      responses: { 200: json(z.object({ links: z.array(ShareLinkSchema) }), "Links, newest first") },
    }),
    async (c) => {
      const record = await visibleFile(c, c.req.valid("param").id);
      const links = await new ShareLinkStore(c.env.DB).list(record.id);
      c.header("Cache-Control", "private, no-store");
      return c.json({ links: links.map((link) => ({ ...link, url: null })) }, 200);
    },
  );

  router.openapi(
    fileRoute({
      method: "delete",
      path: "/api/files/{id}/links/{linkId}",
      summary: "Revoke a share link at once (checked in D1 on every use)",
      request: {
        params: FileParamSchema.extend({ linkId: FileIdSchema.openapi({ param: { name: "linkId", in: "path" } }) }),
      },
      responses: { 204: { description: "Revoked" } },
    }),
    async (c) => {
      const { id, linkId } = c.req.valid("param");
      const record = await visibleFile(c, id);
      const revoked = await new ShareLinkStore(c.env.DB).revoke(record.id, linkId, new Date().toISOString());
      if (!revoked) throw errors.notFound("No such link for this file");
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/share/{token}",
      tags: FILE_TAGS,
      summary: "Open a shared file without signing in (403 when the link is invalid, expired or revoked)",
      security: [{}],
      request: {
        params: z.object({
          token: z
            .string()
            .max(2_048)
            .openapi({ param: { name: "token", in: "path" } }),
        }),
      },
      responses: { ...CONTENT_RESPONSES, 403: problem("The link is invalid, expired or revoked") },
    }),
    async (c) => {
      const record = await resolveShareToken(c.env, c.req.valid("param").token, c.req.method);
      return serveContent(c.env.FILES, record, c.req.raw) as never;
    },
  );

  return router;
}

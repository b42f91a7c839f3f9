// Stored files over HTTP: my list, a file's metadata, its bytes (Range, conditionals, HEAD), deletion, my statistics.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { errors } from "@outpost/edge-kit/errors";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { json, problem } from "../../http/openapi";
import { userRoute } from "../auth";
import { serveContent } from "./file-content";
import { deleteFile } from "./file-delete";
import { fileErrors } from "./file-errors";
import { toView } from "./file-record";
import { FileRepository } from "./file-repository";
import { caller, uploadContext, visibleFile } from "./file-request";
import { CONTENT_RESPONSES, FILE_TAGS, fileRoute } from "./file-route";
import { FILE_PAGE_MAX, FileListQuerySchema, FileListSchema, FileSchema, UserStatsSchema } from "./files.schema";

export function createFileContentRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/files",
      tags: FILE_TAGS,
      summary: `My files, newest first (limit ≤ ${FILE_PAGE_MAX}; pass nextCursor as cursor for more)`,
      request: { query: FileListQuerySchema },
      responses: { 200: json(FileListSchema, "A page of files") },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = await new FileRepository(c.env.DB).listByOwner(caller(c).userId, limit ?? 50, cursor);
      // A cursor this server did not issue (forged, truncated, from another list) is the client's error.
      if (!page) throw errors.badRequest("The cursor is not valid");
      c.header("Cache-Control", "private, no-store");
      return c.json({ files: page.files.map(toView), nextCursor: page.nextCursor }, 200);
    },
  );

  router.openapi(
    fileRoute({
      method: "get",
      path: "/api/files/{id}",
      summary: "A file's metadata, status and analysis",
      responses: { 200: json(FileSchema, "The file") },
    }),
    async (c) => {
      const record = await visibleFile(c, c.req.valid("param").id);
      c.header("Cache-Control", "private, no-store");
      return c.json(toView(record), 200);
    },
  );

  router.openapi(
    fileRoute({
      method: "get",
      path: "/api/files/{id}/content",
      summary: "Download: streamed, with Range and conditional requests; attachment unless safe inline",
      responses: { ...CONTENT_RESPONSES, 409: problem("The upload has not finished") },
    }),
    async (c) => serveContent(c.env.FILES, await visibleFile(c, c.req.valid("param").id), c.req.raw) as never,
  );

  router.openapi(
    fileRoute({
      method: "delete",
      path: "/api/files/{id}",
      summary: "Delete a file: its bytes, metadata, share links and statistics",
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      await visibleFile(c, id);
      // Act on D1's current row, not the cached one.
      const record = await new FileRepository(c.env.DB).find(id);
      if (!record || record.status === "deleting") throw fileErrors.notFound();
      if (record.status === "uploading") throw fileErrors.notReady();
      await deleteFile(uploadContext(c), record);
      return c.body(null, 204);
    },
  );

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/users/me/stats",
      tags: FILE_TAGS,
      summary: "My upload statistics: files and bytes stored now, uploads ever, the last upload",
      responses: { 200: json(UserStatsSchema, "Statistics") },
    }),
    async (c) => {
      const userId = caller(c).userId;
      const stats = await c.env.USER_STATS.get(c.env.USER_STATS.idFromName(userId)).get();
      c.header("Cache-Control", "private, no-store");
      return c.json(stats, 200);
    },
  );

  return router;
}

// Files over HTTP: uploads (single and multipart), listing, metadata, content, deletion, share links, statistics.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { errors } from "@outpost/edge-kit/errors";
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { AUTH_ERRORS, json } from "../../http/openapi";
import { problem } from "../../http/problem-schema";
import { currentAccount, userRoute } from "../auth";
import { cachedFile } from "./file-cache";
import { serveContent } from "./file-content";
import { deleteFile } from "./file-delete";
import { fileErrors } from "./file-errors";
import { abortMultipart, completeMultipart, createMultipart, describeUpload, uploadPart } from "./file-multipart";
import { type FileRecord, FileRepository, toView } from "./file-repository";
import { type UploadContext, uploadSingle } from "./file-upload";
import {
  FILE_PAGE_MAX,
  FileIdSchema,
  FileListQuerySchema,
  FileListSchema,
  FileSchema,
  MultipartCreateSchema,
  MultipartUploadSchema,
  type MultipartUploadView,
  PartNumberSchema,
  ShareLinkCreateSchema,
  ShareLinkSchema,
  UploadPartSchema,
  UploadQuerySchema,
  UserStatsSchema,
} from "./files.schema";
import { createShareLink, resolveShareToken } from "./share-links";

const BINARY = { schema: z.string().openapi({ type: "string", format: "binary" }) };
const CONTENT_RESPONSES = {
  200: {
    description: "The bytes (attachment unless the type is safe inline)",
    content: { "application/octet-stream": BINARY },
  },
  206: { description: "The requested byte range", content: { "application/octet-stream": BINARY } },
  304: { description: "Not modified (If-None-Match / If-Modified-Since)" },
  412: { description: "Precondition failed (If-Match / If-Unmodified-Since)" },
  416: problem("Range not satisfiable"),
};
const FILE_ERRORS = { ...AUTH_ERRORS, 404: problem("No such file (or not yours)") };
const UPLOAD_ERRORS = {
  ...FILE_ERRORS,
  409: problem("The upload is not open, or parts are missing"),
  411: problem("Content-Length required"),
  413: problem("File, part or quota too large"),
  415: problem("File type not accepted, or its bytes do not match the declared type"),
  503: problem("Storage unavailable; nothing was kept, retry"),
};

function uploadContext(c: Context<AppEnv>): UploadContext {
  const principal = c.get("principal");
  if (!principal) throw errors.unauthorized();
  return {
    env: c.env,
    ownerId: principal.userId,
    logger: c.get("logger"),
    defer: (promise) => c.executionCtx.waitUntil(promise),
  };
}

function contentLength(c: Context<AppEnv>): number | undefined {
  const header = c.req.header("Content-Length");
  if (header === undefined || !/^\d{1,16}$/.test(header)) return undefined;
  return Number(header);
}

async function uploadView(c: Context<AppEnv>, id: string): Promise<MultipartUploadView> {
  const upload = await describeUpload(uploadContext(c), id);
  return { file: toView(upload.record), partSize: upload.partSize, partCount: upload.partCount, parts: upload.parts };
}

/**
 * The file if the caller may see it: its owner, or an administrator (role re-read from D1). Anyone else
 * gets the same 404 as for a file that does not exist, so ids reveal nothing. The cached record carries
 * its owner, so a warm cache is checked exactly like a cold one.
 */
async function visibleFile(c: Context<AppEnv>, id: string): Promise<FileRecord> {
  const principal = c.get("principal");
  if (!principal) throw errors.unauthorized();
  const record = await cachedFile(c.env, id, (promise) => c.executionCtx.waitUntil(promise));
  if (!record || record.status === "deleting") throw fileErrors.notFound();
  if (record.ownerId !== principal.userId) {
    const account = principal.role === "admin" ? await currentAccount(c) : null;
    if (account?.role !== "admin") throw fileErrors.notFound();
  }
  return record;
}

export function createFileRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();
  const tags = ["files"];
  const idParam = z.object({ id: FileIdSchema });

  // ---- multipart (registered before /api/files/{id} so `uploads` is never taken for an id)
  router.openapi(
    userRoute({
      method: "post",
      path: "/api/files/uploads",
      tags,
      summary: "Start a multipart upload: then PUT each part, then complete (parts ≥ 5 MiB, equal but the last)",
      request: { body: { content: { "application/json": { schema: MultipartCreateSchema } }, required: true } },
      responses: { 201: json(MultipartUploadSchema, "The upload, with its part size and count"), ...UPLOAD_ERRORS },
    }),
    async (c) => {
      const record = await createMultipart(uploadContext(c), c.req.valid("json"));
      c.header("Location", `/api/files/uploads/${record.id}`);
      return c.json(await uploadView(c, record.id), 201);
    },
  );

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/files/uploads/{id}",
      tags,
      summary: "A multipart upload's state and the parts received so far (to resume after a dropped part)",
      request: { params: idParam },
      responses: { 200: json(MultipartUploadSchema, "The upload"), ...FILE_ERRORS },
    }),
    async (c) => {
      const upload = await uploadView(c, c.req.valid("param").id);
      c.header("Cache-Control", "private, no-store");
      return c.json(upload, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "put",
      path: "/api/files/uploads/{id}/parts/{n}",
      tags,
      summary: "Upload (or re-upload) part n; its size must be exactly the upload's part size (the last: the rest)",
      request: {
        params: z.object({ id: FileIdSchema, n: PartNumberSchema }),
        body: { content: { "application/octet-stream": BINARY }, required: true },
      },
      responses: { 200: json(UploadPartSchema, "The part was stored"), ...UPLOAD_ERRORS },
    }),
    async (c) => {
      const { id, n } = c.req.valid("param");
      const part = await uploadPart(uploadContext(c), id, {
        partNumber: n,
        contentLength: contentLength(c),
        body: c.req.raw.body,
      });
      return c.json(part, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "post",
      path: "/api/files/uploads/{id}/complete",
      tags,
      summary: "Finish a multipart upload once every part is in; 409 lists the missing parts",
      request: { params: idParam },
      responses: { 200: json(FileSchema, "The stored file"), ...UPLOAD_ERRORS },
    }),
    async (c) => c.json(toView(await completeMultipart(uploadContext(c), c.req.valid("param").id)), 200),
  );

  router.openapi(
    userRoute({
      method: "delete",
      path: "/api/files/uploads/{id}",
      tags,
      summary: "Abort a multipart upload (its parts are discarded)",
      request: { params: idParam },
      responses: { 204: { description: "Aborted" }, ...UPLOAD_ERRORS },
    }),
    async (c) => {
      await abortMultipart(uploadContext(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

  // ---- single-request upload and listing
  router.openapi(
    userRoute({
      method: "post",
      path: "/api/files",
      tags,
      summary: "Upload a file in one request: the raw bytes as the body, its name in ?name= (streamed to R2)",
      request: { query: UploadQuerySchema, body: { content: { "application/octet-stream": BINARY }, required: true } },
      responses: { 201: json(FileSchema, "Stored; analysis follows in the background"), ...UPLOAD_ERRORS },
    }),
    async (c) => {
      const record = await uploadSingle(uploadContext(c), {
        name: c.req.valid("query").name,
        declaredType: c.req.header("Content-Type"),
        contentLength: contentLength(c),
        body: c.req.raw.body,
      });
      c.header("Location", `/api/files/${record.id}`);
      return c.json(toView(record), 201);
    },
  );

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/files",
      tags,
      summary: `My files, newest first (limit ≤ ${FILE_PAGE_MAX}; pass nextCursor as cursor for more)`,
      request: { query: FileListQuerySchema },
      responses: { 200: json(FileListSchema, "A page of files") },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const principal = c.get("principal");
      if (!principal) throw errors.unauthorized();
      const page = await new FileRepository(c.env.DB).listByOwner(principal.userId, limit ?? 50, cursor);
      if (!page) throw errors.badRequest("The cursor is not valid");
      c.header("Cache-Control", "private, no-store");
      return c.json({ files: page.files.map(toView), nextCursor: page.nextCursor }, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/files/{id}",
      tags,
      summary: "A file's metadata, status and analysis",
      request: { params: idParam },
      responses: { 200: json(FileSchema, "The file"), ...FILE_ERRORS },
    }),
    async (c) => {
      const record = await visibleFile(c, c.req.valid("param").id);
      c.header("Cache-Control", "private, no-store");
      return c.json(toView(record), 200);
    },
  );

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/files/{id}/content",
      tags,
      summary: "Download: streamed, with Range and conditional requests; attachment unless safe inline",
      request: { params: idParam },
      responses: { ...CONTENT_RESPONSES, ...FILE_ERRORS, 409: problem("The upload has not finished") },
    }),
    async (c) => serveContent(c.env.FILES, await visibleFile(c, c.req.valid("param").id), c.req.raw) as never,
  );

  router.openapi(
    userRoute({
      method: "delete",
      path: "/api/files/{id}",
      tags,
      summary: "Delete a file: its bytes, metadata, share links and statistics",
      request: { params: idParam },
      responses: { 204: { description: "Deleted" }, ...FILE_ERRORS },
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

  // ---- share links
  router.openapi(
    userRoute({
      method: "post",
      path: "/api/files/{id}/links",
      tags,
      summary: "Create a share link: a signed URL that opens the file without signing in until it expires",
      request: {
        params: idParam,
        body: { content: { "application/json": { schema: ShareLinkCreateSchema } }, required: true },
      },
      responses: {
        201: json(ShareLinkSchema, "The link (its URL is shown only now)"),
        ...FILE_ERRORS,
        409: problem("Not stored yet"),
      },
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
    userRoute({
      method: "get",
      path: "/api/files/{id}/links",
      tags,
      summary: "The file's share links (URLs are not stored, so they are not shown again)",
      request: { params: idParam },
      responses: { 200: json(z.object({ links: z.array(ShareLinkSchema) }), "Links, newest first"), ...FILE_ERRORS },
    }),
    async (c) => {
      const record = await visibleFile(c, c.req.valid("param").id);
      const links = await new FileRepository(c.env.DB).listLinks(record.id);
      c.header("Cache-Control", "private, no-store");
      return c.json({ links: links.map((link) => ({ ...link, url: null })) }, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "delete",
      path: "/api/files/{id}/links/{linkId}",
      tags,
      summary: "Revoke a share link at once (checked in D1 on every use)",
      request: {
        params: z.object({ id: FileIdSchema, linkId: FileIdSchema.openapi({ param: { name: "linkId", in: "path" } }) }),
      },
      responses: { 204: { description: "Revoked" }, ...FILE_ERRORS },
    }),
    async (c) => {
      const { id, linkId } = c.req.valid("param");
      const record = await visibleFile(c, id);
      const revoked = await new FileRepository(c.env.DB).revokeLink(record.id, linkId, new Date().toISOString());
      if (!revoked) throw errors.notFound("No such link for this file");
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/share/{token}",
      tags,
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

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/users/me/stats",
      tags,
      summary: "My upload statistics: files and bytes stored now, uploads ever, the last upload",
      responses: { 200: json(UserStatsSchema, "Statistics") },
    }),
    async (c) => {
      const principal = c.get("principal");
      if (!principal) throw errors.unauthorized();
      const stats = await c.env.USER_STATS.get(c.env.USER_STATS.idFromName(principal.userId)).get();
      c.header("Cache-Control", "private, no-store");
      return c.json(stats, 200);
    },
  );

  return router;
}

// Uploads over HTTP: a file in one request, or multipart (start, parts, state, complete, abort).
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { json, problem } from "../../http/openapi";
import { userRoute } from "../auth";
import { abortMultipart, completeMultipart, createMultipart, describeUpload, uploadPart } from "./file-multipart";
import { toView } from "./file-record";
import { uploadContext } from "./file-request";
import { BINARY, FILE_ERRORS, FILE_TAGS, FileParamSchema, fileRoute } from "./file-route";
import { uploadSingle } from "./file-upload";
import {
  FileSchema,
  MultipartCreateSchema,
  MultipartUploadSchema,
  type MultipartUploadView,
  PartNumberSchema,
  UploadPartSchema,
  UploadQuerySchema,
} from "./files.schema";

const UPLOAD_ERRORS = {
  ...FILE_ERRORS,
  409: problem("The upload is not open, or parts are missing"),
  411: problem("Content-Length required"),
  413: problem("File, part or quota too large"),
  415: problem("File type not accepted, or its bytes do not match the declared type"),
  503: problem("Storage unavailable; nothing was kept, retry"),
};

function contentLength(c: Context<AppEnv>): number | undefined {
  const header = c.req.header("Content-Length");
  if (header === undefined || !/^\d{1,16}$/.test(header)) return undefined;
  return Number(header);
}

async function uploadView(c: Context<AppEnv>, id: string): Promise<MultipartUploadView> {
  const upload = await describeUpload(uploadContext(c), id);
  return { file: toView(upload.record), partSize: upload.partSize, partCount: upload.partCount, parts: upload.parts };
}

export function createUploadRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    userRoute({
      method: "post",
      path: "/api/files/uploads",
      tags: FILE_TAGS,
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
    fileRoute({
      method: "get",
      path: "/api/files/uploads/{id}",
      summary: "A multipart upload's state and the parts received so far (to resume after a dropped part)",
      responses: { 200: json(MultipartUploadSchema, "The upload") },
    }),
    async (c) => {
      const upload = await uploadView(c, c.req.valid("param").id);
      c.header("Cache-Control", "private, no-store");
      return c.json(upload, 200);
    },
  );

  router.openapi(
    fileRoute({
      method: "put",
      path: "/api/files/uploads/{id}/parts/{n}",
      summary: "Upload (or re-upload) part n; its size must be exactly the upload's part size (the last: the rest)",
      request: {
        params: FileParamSchema.extend({ n: PartNumberSchema }),
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
    fileRoute({
      method: "post",
      path: "/api/files/uploads/{id}/complete",
      summary: "Finish a multipart upload once every part is in; 409 lists the missing parts",
      responses: { 200: json(FileSchema, "The stored file"), ...UPLOAD_ERRORS },
    }),
    async (c) => c.json(toView(await completeMultipart(uploadContext(c), c.req.valid("param").id)), 200),
  );

  router.openapi(
    fileRoute({
      method: "delete",
      path: "/api/files/uploads/{id}",
      summary: "Abort a multipart upload (its parts are discarded)",
      responses: { 204: { description: "Aborted" }, ...UPLOAD_ERRORS },
    }),
    async (c) => {
      await abortMultipart(uploadContext(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

  router.openapi(
    userRoute({
      method: "post",
      path: "/api/files",
      tags: FILE_TAGS,
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

  return router;
}

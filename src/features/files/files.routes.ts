// Files over HTTP: the upload, stored-file and share-link routes as one router.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { createFileContentRoutes } from "./file-content.routes";
import { createUploadRoutes } from "./file-uploads.routes";
import { createShareLinkRoutes } from "./share-links.routes";

export function createFileRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();
  // Uploads first, so that `/api/files/uploads/…` is never taken for a file id.
  router.route("/", createUploadRoutes());
  router.route("/", createFileContentRoutes());
  router.route("/", createShareLinkRoutes());
  return router;
}

// Shared pieces of the files routes' declarations: the tag, the `{id}` param, the 404, byte bodies, `fileRoute`.
import { z } from "@hono/zod-openapi";
import type { GuardedRouteConfig } from "../../http/guarded-route";
import { AUTH_ERRORS, problem } from "../../http/openapi";
import { userRoute } from "../auth";
import { FileIdSchema } from "./files.schema";

export const FILE_TAGS = ["files"];

/** The `{id}` path param of every route on one file or upload. */
export const FileParamSchema = z.object({ id: FileIdSchema });

export const FILE_ERRORS = { ...AUTH_ERRORS, 404: problem("No such file (or not yours)") };

/** A body or response of raw bytes. */
export const BINARY = { schema: z.string().openapi({ type: "string", format: "binary" }) };

/** What serving a file's content may answer (download and share links). */
export const CONTENT_RESPONSES = {
  200: {
    description: "The bytes (attachment unless the type is safe inline)",
    content: { "application/octet-stream": BINARY },
  },
  206: { description: "The requested byte range", content: { "application/octet-stream": BINARY } },
  304: { description: "Not modified (If-None-Match / If-Modified-Since)" },
  412: { description: "Precondition failed (If-Match / If-Unmodified-Since)" },
  416: problem("Range not satisfiable"),
};

type FileRouteConfig = Omit<GuardedRouteConfig, "tags">;

type RequestWithId<R extends FileRouteConfig> = R extends { request: infer Q }
  ? Q extends { params: unknown }
    ? Q
    : Q & { params: typeof FileParamSchema }
  : { params: typeof FileParamSchema };

type FileRouteDeclared<R extends FileRouteConfig> = Omit<R, "request" | "responses"> & {
  tags: string[];
  request: RequestWithId<R>;
  responses: Omit<typeof FILE_ERRORS, keyof R["responses"]> & R["responses"];
};

/**
 * A signed-in route on one file or upload (a path with `{id}`): `userRoute` plus the files tag, the `{id}`
 * param (a route declaring its own params includes `id` in them) and the 404, which the route may override.
 */
export function fileRoute<R extends FileRouteConfig>(route: R) {
  return userRoute({
    ...route,
    tags: FILE_TAGS,
    request: { params: FileParamSchema, ...route.request },
    responses: { ...FILE_ERRORS, ...route.responses },
  } as unknown as FileRouteDeclared<R>);
}

// A message's attachments over HTTP: a grant tied to the room message, not to file ownership. Whoever may read
// the room's history may open the files its live messages carry; removing the member or deleting the message
// ends that access at once (both are checked on every request: D1 for membership, the room for the message).
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { contentDisposition } from "@outpost/edge-kit/content";
import { AppError, errors } from "@outpost/edge-kit/errors";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { problem } from "../../http/problem-schema";
import { userRoute } from "../auth";
import { FileRepository, serveContent } from "../files";
import { RoomDirectory } from "./room-directory";
import { RoomNameSchema } from "./rooms.schema";

/** Shown in the page (thumbnails); everything else is downloaded. SVG is not here: it can carry script. */
const INLINE_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

const ParamsSchema = z.object({
  room: RoomNameSchema,
  messageId: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, "must be a message id")
    .transform(Number)
    .openapi({ param: { name: "messageId", in: "path" }, type: "integer" }),
  fileId: z
    .string()
    .regex(/^[0-9a-f]{32}$/, "a file id is 32 hex characters")
    .openapi({ param: { name: "fileId", in: "path" }, example: "5f0c3c0e6f2b4b8e9a8f1d2c3b4a5968" }),
});

const BINARY = { schema: z.string().openapi({ type: "string", format: "binary" }) };

/** One 404 for every way an attachment can be out of reach, so none of them tells anything apart. */
const attachmentNotFound = () =>
  new AppError(404, "attachment-not-found", "Attachment not found", {
    detail: "There is no such attachment on a message you can read",
  });

export function createRoomAttachmentRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/rooms/{room}/messages/{messageId}/attachments/{fileId}",
      tags: ["rooms"],
      summary: "A file attached to a room message, for whoever may read the room (Range and conditionals work)",
      description:
        "PNG, JPEG, GIF and WebP images are served inline, anything else as an attachment; always with " +
        "X-Content-Type-Options: nosniff and Cache-Control: private, max-age=300. A room the caller may not read " +
        "(a private room they are not, or no longer, a member of), a deleted or unknown message, a file the " +
        "message does not carry and a deleted file all answer the same 404.",
      request: { params: ParamsSchema },
      responses: {
        200: { description: "The bytes", content: { "application/octet-stream": BINARY } },
        206: { description: "The requested byte range", content: { "application/octet-stream": BINARY } },
        304: { description: "Not modified (If-None-Match / If-Modified-Since)" },
        404: problem("No such room, message or attachment, or a private room you are not a member of"),
        412: { description: "Precondition failed (If-Match / If-Unmodified-Since)" },
        416: problem("Range not satisfiable"),
      },
    }),
    async (c) => {
      const { room, messageId, fileId } = c.req.valid("param");
      const principal = c.get("principal");
      if (!principal) throw errors.unauthorized();
      // The same check, and the same 404, as the room's history.
      await new RoomDirectory(c.env.DB).admit(room, principal.userId);
      const stub = c.env.CHAT_ROOM.get(c.env.CHAT_ROOM.idFromName(room));
      const attachment = await stub.attachment(messageId, fileId);
      if (!attachment) throw attachmentNotFound();
      // Whoever owns the file: the grant is the message. D1's current row, not a cached one, so a deleted file
      // stops being served at once.
      const record = await new FileRepository(c.env.DB).find(fileId);
      if (!record || record.status === "deleting" || record.status === "uploading") throw attachmentNotFound();
      const served = await serveContent(c.env.FILES, record, c.req.raw).catch((error: unknown) => {
        // The object is gone from R2 (a delete in progress): the same 404 as the rest.
        if (error instanceof AppError && error.status === 404) throw attachmentNotFound();
        throw error;
      });
      const headers = new Headers(served.headers);
      headers.set(
        "Content-Disposition",
        contentDisposition(INLINE_IMAGES.has(record.contentType) ? "inline" : "attachment", record.name),
      );
      headers.set("Cache-Control", "private, max-age=300");
      headers.set("X-Content-Type-Options", "nosniff");
      return new Response(served.body, { status: served.status, headers }) as never;
    },
  );

  return router;
}

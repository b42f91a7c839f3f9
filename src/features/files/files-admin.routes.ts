// Admin views of the file pipeline: files by state, the dead-letter list, and retrying a dead letter.
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { errors } from "@outpost/edge-kit/errors";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { json, problem } from "../../http/openapi";
import { adminRoute } from "../auth";
import { DeadLetters } from "./dead-letters";
import { forgetFile } from "./file-cache";
import { fileEvent, publishEvents } from "./file-outbox";
import { FileRepository } from "./file-repository";
import { DeadLetterSchema, FileStateCountsSchema } from "./files.schema";

const DEAD_LETTER_PAGE = 100;

export function createFilesAdminRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    adminRoute({
      method: "get",
      path: "/api/admin/files/states",
      tags: ["admin"],
      summary: "Files by status, events waiting in the outbox, dead letters",
      responses: { 200: json(FileStateCountsSchema, "Counts") },
    }),
    async (c) => {
      c.header("Cache-Control", "private, no-store");
      return c.json(await new FileRepository(c.env.DB).countsByStatus(), 200);
    },
  );

  router.openapi(
    adminRoute({
      method: "get",
      path: "/api/admin/files/dead-letters",
      tags: ["admin"],
      summary: `Messages file-events gave up on, newest first (≤ ${DEAD_LETTER_PAGE})`,
      responses: { 200: json(z.object({ deadLetters: z.array(DeadLetterSchema) }), "Dead letters") },
    }),
    async (c) => {
      c.header("Cache-Control", "private, no-store");
      return c.json({ deadLetters: await new DeadLetters(c.env.DB).list(DEAD_LETTER_PAGE) }, 200);
    },
  );

  router.openapi(
    adminRoute({
      method: "post",
      path: "/api/admin/files/dead-letters/{messageId}/retry",
      tags: ["admin"],
      summary: "Send a dead letter's event again (a failed file goes back to `stored` for analysis)",
      request: {
        params: z.object({
          messageId: z
            .string()
            .regex(/^[A-Za-z0-9_-]{1,128}$/)
            .openapi({ param: { name: "messageId", in: "path" } }),
        }),
      },
      responses: {
        202: json(z.object({ retried: z.boolean(), fileId: z.string().nullable() }), "Queued again"),
        404: problem("No such dead letter"),
      },
    }),
    async (c) => {
      const repository = new FileRepository(c.env.DB);
      const deadLetters = new DeadLetters(c.env.DB);
      const letter = await deadLetters.find(c.req.valid("param").messageId);
      if (!letter) throw errors.notFound("No such dead letter");
      const record = letter.fileId ? await repository.find(letter.fileId) : null;
      const now = new Date().toISOString();
      let retried = false;
      if (record && letter.event === "file.stored" && record.status === "failed") {
        await repository.retryAnalysis(record, now);
        await forgetFile(c.env, record.id).catch(() => {});
        await publishEvents(c.env, [fileEvent("file.stored", record)], c.get("logger"));
        retried = true;
      }
      // A letter about a file that is gone, or about an event with nothing left to do, is simply cleared.
      await deadLetters.delete(letter.messageId);
      return c.json({ retried, fileId: letter.fileId }, 202);
    },
  );

  return router;
}

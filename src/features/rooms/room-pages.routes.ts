// Reading a room over HTTP: history pages (before a message, or centred on one), a thread's replies, and who can
// be @mentioned. Each message comes as it is now, with `mine` set for the caller. A private room answers only its
// members; everyone else gets the same 404 as for a room that does not exist.
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError, errors } from "@outpost/edge-kit/errors";
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { json } from "../../http/openapi";
import { problem } from "../../http/problem-schema";
import { userRoute } from "../auth";
import { RoomDirectory } from "./room-directory";
import {
  HISTORY_PAGE_MAX,
  HistoryPageSchema,
  HistoryQuerySchema,
  RoomNameSchema,
  RoomPeopleSchema,
  THREAD_PAGE_MAX,
  ThreadPageSchema,
  ThreadQuerySchema,
} from "./rooms.schema";

const PEOPLE_MAX = 20;

function signedInUserId(c: Context<AppEnv>): string {
  const principal = c.get("principal");
  if (!principal) throw errors.unauthorized();
  return principal.userId;
}

/** Admits the caller to `room` (or throws its 404) and returns the room's object. */
async function admitted(c: Context<AppEnv>, room: string) {
  const userId = signedInUserId(c);
  await new RoomDirectory(c.env.DB).admit(room, userId);
  c.header("Cache-Control", "private, no-store");
  return { userId, stub: c.env.CHAT_ROOM.get(c.env.CHAT_ROOM.idFromName(room)) };
}

const NOT_FOUND = problem("No such room, or a private room you are not a member of");

export function createRoomPageRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  for (const path of ["/api/rooms/{room}/history", "/room/{room}/history"] as const) {
    router.openapi(
      userRoute({
        method: "get",
        path,
        tags: ["rooms"],
        summary: `History of the main timeline, newest page first; pass nextBefore as before for older pages, or around for the page centred on a message (limit ≤ ${HISTORY_PAGE_MAX})`,
        description:
          "Messages as they are now: edited text, deleted tombstones, reactions (with `mine` for the caller) and thread summaries. Thread replies are paged by GET /api/rooms/{room}/threads/{rootId}; `around` a reply centres on its root.",
        request: { params: z.object({ room: RoomNameSchema }), query: HistoryQuerySchema },
        responses: { 200: json(HistoryPageSchema, "A page of messages, oldest first"), 404: NOT_FOUND },
      }),
      async (c) => {
        const { room } = c.req.valid("param");
        const { before, around, limit } = c.req.valid("query");
        const { userId, stub } = await admitted(c, room);
        const page = await stub.history(before, limit ?? 50, userId, around);
        return c.json({ ...page, room }, 200);
      },
    );
  }

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/rooms/{room}/threads/{rootId}",
      tags: ["rooms"],
      summary: `A thread: its root as it is now and its replies, oldest first; pass nextAfter as after for the next page (limit ≤ ${THREAD_PAGE_MAX})`,
      description: "A reply's id opens the thread it belongs to (threads are flat).",
      request: {
        params: z.object({
          room: RoomNameSchema,
          rootId: z
            .string()
            .regex(/^\d{1,15}$/, "must be a message id")
            .transform(Number)
            .openapi({ param: { name: "rootId", in: "path" }, type: "integer" }),
        }),
        query: ThreadQuerySchema,
      },
      responses: {
        200: json(ThreadPageSchema, "The root and a page of replies"),
        404: problem("No such room or message, or a private room you are not a member of"),
      },
    }),
    async (c) => {
      const { room, rootId } = c.req.valid("param");
      const { after, limit } = c.req.valid("query");
      const { userId, stub } = await admitted(c, room);
      const page = await stub.thread(rootId, after ?? 0, limit ?? 50, userId);
      if (!page) {
        throw new AppError(404, "message-not-found", "Message not found", {
          detail: "There is no such message in this room (or it is past retention)",
        });
      }
      return c.json({ ...page, room }, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/rooms/{room}/people",
      tags: ["rooms"],
      summary: `Who can be @mentioned in the room, matching q (the composer's autocomplete; ≤ ${PEOPLE_MAX})`,
      description:
        "Everyone who has connected to the room, plus the members of a private room; names containing q (case-insensitive), prefix matches first.",
      request: {
        params: z.object({ room: RoomNameSchema }),
        query: z.object({
          q: z
            .string()
            .max(64)
            .optional()
            .openapi({ param: { name: "q", in: "query" }, description: "Part of a display name; empty: everyone" }),
        }),
      },
      responses: { 200: json(RoomPeopleSchema, "People, by name"), 404: NOT_FOUND },
    }),
    async (c) => {
      const { room } = c.req.valid("param");
      const { stub } = await admitted(c, room);
      const people = await stub.mentionable(c.req.valid("query").q ?? "", PEOPLE_MAX);
      return c.json({ room, people }, 200);
    },
  );

  return router;
}

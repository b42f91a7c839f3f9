// Private rooms over HTTP: create a room, list, add and remove members. Removal closes the member's sockets.
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError, errors } from "@outpost/edge-kit/errors";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { AUTH_ERRORS, json } from "../../http/openapi";
import { problem } from "../../http/problem-schema";
import { currentAccount, normaliseEmail, userRoute, userService } from "../auth";
import { RoomDirectory } from "./room-directory";
import {
  AddRoomMemberSchema,
  CreateRoomSchema,
  RoomMemberSchema,
  RoomMembersSchema,
  RoomNameSchema,
  RoomSummarySchema,
} from "./rooms.schema";

const UserIdSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, "a user id")
  .openapi({ param: { name: "userId", in: "path" } });

const ROOM_ERRORS = {
  ...AUTH_ERRORS,
  404: problem("No such room (or it is private and you are not a member), or no such user"),
  409: problem("The name is taken, the room is public, or the owner tried to leave"),
} as const;

const roomPublic = () =>
  errors.conflict("room-public", "Public rooms are open to every signed-in user and have no member list");

export function createRoomMemberRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();
  const roomParam = z.object({ room: RoomNameSchema });

  router.openapi(
    userRoute({
      method: "post",
      path: "/api/rooms",
      tags: ["rooms"],
      summary:
        "Create a room (the web app's only way to); a private one is open only to its members, starting with you as its owner",
      request: { body: { content: { "application/json": { schema: CreateRoomSchema } }, required: true } },
      responses: { 201: json(RoomSummarySchema, "The new room"), ...ROOM_ERRORS },
    }),
    async (c) => {
      const { name, visibility } = c.req.valid("json");
      const account = await currentAccount(c);
      const created = await new RoomDirectory(c.env.DB).create(name, visibility, account.id);
      if (!created) throw errors.conflict("room-exists", `A room named ${name} already exists`);
      c.header("Location", `/api/rooms/${name}/members`);
      return c.json(
        {
          name,
          visibility,
          messageCount: 0,
          lastMessageAt: null,
          online: [] as { userId: string; displayName: string }[],
          // The creator has visited: their cursor starts at 0 with nothing to read.
          lastId: 0,
          lastReadId: 0,
          unread: 0,
          mentions: 0,
        },
        201,
      );
    },
  );

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/rooms/{room}/members",
      tags: ["rooms"],
      summary: "A room's visibility and, if it is private, its members",
      request: { params: roomParam },
      responses: { 200: json(RoomMembersSchema, "The room's members"), ...ROOM_ERRORS },
    }),
    async (c) => {
      const { room } = c.req.valid("param");
      const account = await currentAccount(c);
      const directory = new RoomDirectory(c.env.DB);
      const entry = await directory.admit(room, account.id);
      const members = entry.visibility === "private" ? await directory.members(room) : [];
      c.header("Cache-Control", "private, no-store");
      return c.json({ room, visibility: entry.visibility, members }, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "post",
      path: "/api/rooms/{room}/members",
      tags: ["rooms"],
      summary: "Add someone to a private room by their email (any member may add)",
      request: {
        params: roomParam,
        body: { content: { "application/json": { schema: AddRoomMemberSchema } }, required: true },
      },
      responses: {
        200: json(RoomMemberSchema, "Already a member"),
        201: json(RoomMemberSchema, "Added"),
        ...ROOM_ERRORS,
      },
    }),
    async (c) => {
      const { room } = c.req.valid("param");
      const account = await currentAccount(c);
      const directory = new RoomDirectory(c.env.DB);
      const entry = await directory.admit(room, account.id);
      if (entry.visibility === "public") throw roomPublic();
      const user = await userService(c.env).findByEmail(normaliseEmail(c.req.valid("json").email));
      if (!user || user.disabled) {
        throw new AppError(404, "user-not-found", "No such user", { detail: "No active account has that email" });
      }
      const { added } = await directory.addMember(room, user.id, account.id);
      if (added) {
        // They can be @mentioned (and notified) before they ever connect.
        const stub = c.env.CHAT_ROOM.get(c.env.CHAT_ROOM.idFromName(room));
        await stub.announceMembership("added", user.id, user.displayName);
      }
      const member = await directory.member(room, user.id);
      if (!member) throw new Error("member row missing right after insert");
      return added ? c.json(member, 201) : c.json(member, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "delete",
      path: "/api/rooms/{room}/members/{userId}",
      tags: ["rooms"],
      summary: "Leave a private room, or (its owner) remove someone; their open sockets are closed with 4403",
      request: { params: roomParam.extend({ userId: UserIdSchema }) },
      responses: { 204: { description: "Removed" }, ...ROOM_ERRORS },
    }),
    async (c) => {
      const { room, userId } = c.req.valid("param");
      const account = await currentAccount(c);
      const directory = new RoomDirectory(c.env.DB);
      const entry = await directory.admit(room, account.id);
      if (entry.visibility === "public") throw roomPublic();
      const myRole = await directory.roleOf(room, account.id);
      if (userId === account.id && myRole === "owner") {
        throw errors.conflict("owner-cannot-leave", "The owner of a private room cannot leave it");
      }
      if (userId !== account.id && myRole !== "owner") {
        throw new AppError(403, "not-room-owner", "Not allowed", { detail: "Only the room's owner removes others" });
      }
      if (!(await directory.removeMember(room, userId))) {
        throw new AppError(404, "member-not-found", "Not a member", { detail: "That user is not in this room" });
      }
      await c.env.CHAT_ROOM.get(c.env.CHAT_ROOM.idFromName(room)).disconnect(userId);
      return c.body(null, 204);
    },
  );

  return router;
}

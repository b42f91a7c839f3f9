// Rooms over HTTP: the authenticated WebSocket upgrade, tickets, history pages, one room's summary, read
// cursors and the room list; private rooms admit only their members (room-directory.ts), and everyone else gets
// the same 404 as for a room that does not exist. Only the upgrade creates a room (public) on first join.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError, errors } from "@outpost/edge-kit/errors";
import type { Context } from "hono";
import { getConfig } from "../../config";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { AUTH_ERRORS, json, SESSION_SECURITY } from "../../http/openapi";
import { classifyOrigin } from "../../http/origin-policy";
import { problem } from "../../http/problem-schema";
import { currentAccount, userRoute } from "../auth";
import { RoomConnections } from "./room-connections";
import { type RoomAccess, RoomDirectory, type RoomEntry } from "./room-directory";
import { createRoomPageRoutes } from "./room-pages.routes";
import { IDENTITY_HEADERS, JOINED_HEADERS, ROOM_UPGRADE_URL } from "./room-tickets";
import {
  MarkReadSchema,
  RoomNameSchema,
  RoomReadSchema,
  type RoomSummary,
  RoomSummarySchema,
  TicketSchema,
} from "./rooms.schema";

const ROOM_LIST_MAX = 50;

/**
 * The caller's id from the session (checked in KV by requireUser). Reads need no more; the upgrade and
 * tickets re-read the account from D1 because they carry the display name into the room.
 */
function signedInUserId(c: Context<AppEnv>): string {
  const principal = c.get("principal");
  if (!principal) throw errors.unauthorized();
  return principal.userId;
}

function roomStub(env: Env, room: string) {
  return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room));
}

/** WebSockets ignore CORS, so the handshake's Origin is checked here (ASVS 5.0 4.4.2). */
function assertFirstPartyOrigin(c: Context<AppEnv>): void {
  const verdict = classifyOrigin(c.req.header("Origin"), c.req.url, getConfig(c.env).ALLOWED_ORIGINS);
  if (verdict === "refused") {
    throw new AppError(403, "origin-not-allowed", "Origin not allowed", { detail: "This origin may not open rooms" });
  }
}

async function upgrade(c: Context<AppEnv>, room: string): Promise<Response> {
  const ticket = c.req.query("ticket");
  const hasTicket = ticket !== undefined && /^[A-Za-z0-9_-]{43}$/.test(ticket);
  if (!c.get("principal") && !hasTicket) {
    throw errors.unauthorized("Sign in, or connect with a ticket from POST /api/rooms/{room}/ticket");
  }
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new AppError(426, "upgrade-required", "WebSocket upgrade required", {
      detail: "Connect with a WebSocket client",
      headers: { Upgrade: "websocket" },
    });
  }
  assertFirstPartyOrigin(c);
  const directory = new RoomDirectory(c.env.DB);
  const headers = new Headers({ Upgrade: "websocket", [IDENTITY_HEADERS.room]: room });
  let access: RoomAccess | null = null;
  const principal = c.get("principal");
  if (principal) {
    // Recorded before the account is checked: a revocation that raised the epoch after this row was written
    // is seen by the check below; one that read the rooms before it was not, and will find this room.
    await new RoomConnections(c.env.DB).remember(principal.userId, room);
    const account = await currentAccount(c);
    headers.set(IDENTITY_HEADERS.userId, account.id);
    headers.set(IDENTITY_HEADERS.displayName, encodeURIComponent(account.displayName));
    headers.set(IDENTITY_HEADERS.sessionId, principal.sessionId);
    headers.set(IDENTITY_HEADERS.epoch, String(principal.epoch));
    // The seeds' behaviour, kept for API clients: joining a room nobody created yet creates it, public.
    access = await directory.enter(room, account.id);
    if (isModerator(account.role, access, account.id)) headers.set(IDENTITY_HEADERS.moderator, "1");
  } else if (ticket) {
    // Tickets are issued only to those admitted to an existing room (POST …/ticket); they last 60 s and are
    // single-use.
    headers.set(IDENTITY_HEADERS.ticket, ticket);
  }
  const res = await roomStub(c.env, room).fetch(new Request(ROOM_UPGRADE_URL, { headers }));
  if (res.status === 401) {
    throw errors.unauthorized("The ticket is invalid, expired or already used, or the session has ended");
  }
  if (!res.webSocket) throw new Error(`room answered ${res.status} without a WebSocket`);
  // A first join starts the read cursor at the newest message the welcome showed (a ticket's holder is known
  // only now, so their cursor is written if missing). The socket is open either way.
  const userId = res.headers.get(JOINED_HEADERS.userId);
  if (userId && (access === null || access.lastReadId === null)) {
    const lastId = Number(res.headers.get(JOINED_HEADERS.lastId) ?? 0);
    await directory.startReading(room, userId, lastId).catch((error: unknown) => {
      c.get("logger")?.warn("read cursor not started", { room, error: String(error) });
    });
  }
  return new Response(null, { status: 101, webSocket: res.webSocket });
}

/** May delete others' messages in this room: an admin, or the owner (creator) of a private room. */
function isModerator(role: string, access: RoomEntry, userId: string): boolean {
  return role === "admin" || (access.visibility === "private" && access.createdBy === userId);
}

/** One room for its reader: one call to the room's object for its counts, however the cursor stands. */
async function summarise(env: Env, access: RoomAccess, userId: string): Promise<RoomSummary> {
  const stats = await roomStub(env, access.name).summary({ userId, lastReadId: access.lastReadId });
  return { ...stats, name: access.name, visibility: access.visibility, lastReadId: access.lastReadId };
}

export function createRoomRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();
  const wsResponses = {
    101: {
      description:
        "Switching protocols: the room's WebSocket (see ClientFrame/ServerFrame in rooms.schema.ts). Besides the " +
        "standard codes it may close with 4401 (the session it was opened with ended: sign in again) or 4403 " +
        "(removed from this private room); do not reconnect after either.",
    },
    ...AUTH_ERRORS,
    404: problem("A private room you are not a member of"),
    426: problem("Not a WebSocket upgrade"),
  };
  const wsQuery = z.object({
    ticket: z
      .string()
      .max(64)
      .optional()
      .openapi({
        param: { name: "ticket", in: "query" },
        description: "Single-use ticket, for clients without cookies",
      }),
  });

  // The seeds' path /room/{room}/websocket is kept as an alias of /api/rooms/{room}/ws.
  for (const path of ["/api/rooms/{room}/ws", "/room/{room}/websocket"] as const) {
    router.openapi(
      createRoute({
        method: "get",
        path,
        tags: ["rooms"],
        summary:
          "Join a room over WebSocket; joining over the API creates a public room, as the seeds' chat did; the web app creates rooms explicitly with POST /api/rooms",
        description:
          "Authenticate with the session cookie, a bearer token or a ticket from POST /api/rooms/{room}/ticket; the Origin must be first-party. A signed-in caller joining a room that does not exist creates it, public (a ticket exists only for a room that does).",
        security: [...SESSION_SECURITY, {}],
        request: { params: z.object({ room: RoomNameSchema }), query: wsQuery },
        responses: wsResponses,
      }),
      // The 101 response carries the socket; it has no JSON body to type.
      (c) => upgrade(c, c.req.valid("param").room) as never,
    );
  }

  router.openapi(
    userRoute({
      method: "post",
      path: "/api/rooms/{room}/ticket",
      tags: ["rooms"],
      summary: "A single-use ticket (60 s) to open the room's WebSocket where credentials cannot be sent",
      request: { params: z.object({ room: RoomNameSchema }) },
      responses: {
        201: json(TicketSchema, "The ticket"),
        404: problem("No such room, or a private room you are not a member of"),
      },
    }),
    async (c) => {
      const { room } = c.req.valid("param");
      const principal = c.get("principal");
      if (!principal) throw errors.unauthorized();
      // As for the upgrade: recorded before the checks, so a revocation either sees this room or is seen here.
      await new RoomConnections(c.env.DB).remember(principal.userId, room);
      const account = await currentAccount(c);
      // Only for a room that exists: a ticket never creates one.
      const access = await new RoomDirectory(c.env.DB).admit(room, account.id);
      // The ticket is bound to this session: it is void once the session ends.
      const { ticket, expiresAt } = await roomStub(c.env, room).issueTicket(
        { userId: account.id, displayName: account.displayName },
        room,
        { sessionId: principal.sessionId, epoch: principal.epoch },
        isModerator(account.role, access, account.id),
      );
      const url = new URL(`/api/rooms/${room}/ws?ticket=${ticket}`, c.req.url);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      c.header("Cache-Control", "no-store");
      return c.json({ ticket, expiresAt: new Date(expiresAt).toISOString(), url: url.toString() }, 201);
    },
  );

  // History pages, threads and who can be mentioned.
  router.route("/", createRoomPageRoutes());

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/rooms/{room}",
      tags: ["rooms"],
      summary:
        "One room for the caller: counts, who is online and their read state; 404 if there is no such room (nothing is created)",
      description:
        "The caller's first look at a room starts their read cursor at its newest message, so a room seen for the first time has nothing unread.",
      request: { params: z.object({ room: RoomNameSchema }) },
      responses: {
        200: json(RoomSummarySchema, "The room"),
        404: problem("No such room, or a private room you are not a member of"),
      },
    }),
    async (c) => {
      const { room } = c.req.valid("param");
      const userId = signedInUserId(c);
      const directory = new RoomDirectory(c.env.DB);
      const access = await directory.admit(room, userId);
      const summary = await summarise(c.env, access, userId);
      c.header("Cache-Control", "private, no-store");
      if (access.lastReadId !== null) return c.json(summary, 200);
      const lastReadId = await directory.startReading(room, userId, summary.lastId);
      return c.json({ ...summary, lastReadId, unread: 0 }, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "put",
      path: "/api/rooms/{room}/read",
      tags: ["rooms"],
      summary: "Move the caller's read cursor forward to lastId (never back; at most the room's newest message)",
      request: {
        params: z.object({ room: RoomNameSchema }),
        body: { content: { "application/json": { schema: MarkReadSchema } }, required: true },
      },
      responses: {
        200: json(RoomReadSchema, "Where the cursor now is"),
        404: problem("No such room, or a private room you are not a member of"),
      },
    }),
    async (c) => {
      const { room } = c.req.valid("param");
      const { lastId } = c.req.valid("json");
      const userId = signedInUserId(c);
      const directory = new RoomDirectory(c.env.DB);
      const access = await directory.admit(room, userId);
      const newest = await roomStub(c.env, room).newestId();
      const target = Math.min(lastId, newest);
      // Nothing to write when the cursor is already there or beyond (the client repeats itself freely).
      const lastReadId =
        access.lastReadId !== null && access.lastReadId >= target
          ? access.lastReadId
          : await directory.markRead(room, userId, target);
      c.header("Cache-Control", "no-store");
      return c.json({ room, lastReadId }, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/rooms",
      tags: ["rooms"],
      summary: `Rooms, most recently created first (≤ ${ROOM_LIST_MAX}), with message counts, who is online and the caller's unread counts`,
      responses: { 200: json(z.object({ rooms: z.array(RoomSummarySchema) }), "Rooms") },
    }),
    async (c) => {
      const userId = signedInUserId(c);
      const entries = await new RoomDirectory(c.env.DB).visibleTo(userId, ROOM_LIST_MAX);
      // Each room answers for itself (its own SQLite and sockets): one RPC per room, in parallel, which also
      // counts the caller's unread messages.
      const rooms = await Promise.all(entries.map((access) => summarise(c.env, access, userId)));
      c.header("Cache-Control", "private, no-store");
      return c.json({ rooms }, 200);
    },
  );

  return router;
}

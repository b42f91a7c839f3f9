// Rooms over HTTP: the authenticated WebSocket upgrade, tickets, history pages and the room list; private
// rooms admit only their members (room-directory.ts), and everyone else gets the same 404.
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
import { RoomDirectory } from "./room-directory";
import { IDENTITY_HEADERS, ROOM_UPGRADE_URL } from "./room-tickets";
import {
  HISTORY_PAGE_MAX,
  HistoryPageSchema,
  HistoryQuerySchema,
  RoomNameSchema,
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
  const headers = new Headers({ Upgrade: "websocket", [IDENTITY_HEADERS.room]: room });
  if (c.get("principal")) {
    const account = await currentAccount(c);
    headers.set(IDENTITY_HEADERS.userId, account.id);
    headers.set(IDENTITY_HEADERS.displayName, encodeURIComponent(account.displayName));
    await new RoomDirectory(c.env.DB).enter(room, account.id);
  } else if (ticket) {
    // Tickets are issued only to those admitted (POST …/ticket); they last 60 s and are single-use.
    headers.set(IDENTITY_HEADERS.ticket, ticket);
  }
  const res = await roomStub(c.env, room).fetch(new Request(ROOM_UPGRADE_URL, { headers }));
  if (res.status === 401) throw errors.unauthorized("The ticket is invalid, expired or already used");
  if (!res.webSocket) throw new Error(`room answered ${res.status} without a WebSocket`);
  return new Response(null, { status: 101, webSocket: res.webSocket });
}

async function history(c: Context<AppEnv>, room: string, before: number | undefined, limit: number | undefined) {
  await new RoomDirectory(c.env.DB).admit(room, signedInUserId(c));
  c.header("Cache-Control", "private, no-store");
  return roomStub(c.env, room).history(before, limit ?? 50);
}

export function createRoomRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();
  const wsResponses = {
    101: { description: "Switching protocols: the room's WebSocket (see ClientFrame/ServerFrame in rooms.schema.ts)" },
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
        summary: "Join a room over WebSocket (session cookie, bearer token or a ticket; first-party Origin)",
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
        404: problem("A private room you are not a member of"),
      },
    }),
    async (c) => {
      const { room } = c.req.valid("param");
      const account = await currentAccount(c);
      await new RoomDirectory(c.env.DB).enter(room, account.id);
      const { ticket, expiresAt } = await roomStub(c.env, room).issueTicket(
        { userId: account.id, displayName: account.displayName },
        room,
      );
      const url = new URL(`/api/rooms/${room}/ws?ticket=${ticket}`, c.req.url);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      c.header("Cache-Control", "no-store");
      return c.json({ ticket, expiresAt: new Date(expiresAt).toISOString(), url: url.toString() }, 201);
    },
  );

  for (const path of ["/api/rooms/{room}/history", "/room/{room}/history"] as const) {
    router.openapi(
      userRoute({
        method: "get",
        path,
        tags: ["rooms"],
        summary: `History, newest page first; pass nextBefore as before for older pages (limit ≤ ${HISTORY_PAGE_MAX})`,
        request: { params: z.object({ room: RoomNameSchema }), query: HistoryQuerySchema },
        responses: {
          200: json(HistoryPageSchema, "A page of messages, oldest first"),
          404: problem("A private room you are not a member of"),
        },
      }),
      async (c) => {
        const { room } = c.req.valid("param");
        const { before, limit } = c.req.valid("query");
        const page = await history(c, room, before, limit);
        return c.json({ ...page, room }, 200);
      },
    );
  }

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/rooms",
      tags: ["rooms"],
      summary: `Rooms, most recently created first (≤ ${ROOM_LIST_MAX}), with message counts and who is online`,
      responses: { 200: json(z.object({ rooms: z.array(RoomSummarySchema) }), "Rooms") },
    }),
    async (c) => {
      const entries = await new RoomDirectory(c.env.DB).visibleTo(signedInUserId(c), ROOM_LIST_MAX);
      // Each room answers for itself (its own SQLite and sockets): one RPC per room, in parallel.
      const rooms = await Promise.all(
        entries.map(async ({ name, visibility }) => ({ ...(await roomStub(c.env, name).summary()), name, visibility })),
      );
      c.header("Cache-Control", "private, no-store");
      return c.json({ rooms }, 200);
    },
  );

  return router;
}

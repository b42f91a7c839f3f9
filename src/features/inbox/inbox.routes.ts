// The caller's inbox over HTTP and WebSocket. The inbox is always the signed-in user's own (its id comes from
// the session, never from the request), so nobody can reach anyone else's. Entries of rooms the caller may no
// longer see (removed from a private room, room gone) are dropped from the inbox when a page or the socket's
// hello would show them: checked against the room directory, at most one lookup per distinct room shown.
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError, errors } from "@outpost/edge-kit/errors";
import type { Context } from "hono";
import { getConfig } from "../../config";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { AUTH_ERRORS, json, SESSION_SECURITY } from "../../http/openapi";
import { classifyOrigin } from "../../http/origin-policy";
import { problem } from "../../http/problem-schema";
import { userRoute } from "../auth";
import { RoomDirectory } from "../rooms";
import { INBOX_IDENTITY_HEADERS, INBOX_UPGRADE_URL } from "./inbox";
import {
  INBOX_HELLO_LATEST,
  INBOX_PAGE_MAX,
  type InboxPage,
  InboxPageSchema,
  InboxQuerySchema,
  InboxUnreadSchema,
  MarkInboxReadSchema,
} from "./inbox.schema";

const DEFAULT_PAGE = 50;
/** Distinct rooms one page checks against the directory (one D1 lookup each). */
const ROOMS_CHECKED_MAX = 20;
/** Rounds of checking before the socket's hello. */
const HELLO_ROUNDS = 3;

function signedInUserId(c: Context<AppEnv>): string {
  const principal = c.get("principal");
  if (!principal) throw errors.unauthorized();
  return principal.userId;
}

function inboxStub(env: Env, userId: string) {
  return env.INBOX.get(env.INBOX.idFromName(userId));
}

/** Of `rooms`, those `userId` may no longer see; dropped from their inbox. Returns the rooms dropped. */
async function forgetHiddenRooms(env: Env, userId: string, rooms: readonly string[]): Promise<Set<string>> {
  const directory = new RoomDirectory(env.DB);
  const unique = [...new Set(rooms)];
  const seen = await Promise.all(unique.map((room) => directory.lookup(room, userId)));
  const hidden = unique.filter((_, i) => seen[i] === null);
  if (hidden.length > 0) await inboxStub(env, userId).forgetRooms(hidden);
  return new Set(hidden);
}

/**
 * The page cut before the entry of its ROOMS_CHECKED_MAX+1-th distinct room (each room costs one D1 lookup), with
 * `nextBefore` moved to match, so a request's lookups stay bounded and nothing is skipped.
 */
function capRooms(page: InboxPage): InboxPage {
  const rooms = new Set<string>();
  for (const [i, entry] of page.entries.entries()) {
    rooms.add(entry.room);
    if (rooms.size > ROOMS_CHECKED_MAX) {
      const entries = page.entries.slice(0, i);
      return { ...page, entries, nextBefore: entries.at(-1)?.id ?? page.nextBefore };
    }
  }
  return page;
}

async function upgrade(c: Context<AppEnv>): Promise<Response> {
  const principal = c.get("principal");
  if (!principal) throw errors.unauthorized("Sign in to open your inbox");
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new AppError(426, "upgrade-required", "WebSocket upgrade required", {
      detail: "Connect with a WebSocket client",
      headers: { Upgrade: "websocket" },
    });
  }
  // WebSockets ignore CORS, so the handshake's Origin is checked here (ASVS 5.0 4.4.2).
  const verdict = classifyOrigin(c.req.header("Origin"), c.req.url, getConfig(c.env).ALLOWED_ORIGINS);
  if (verdict === "refused") {
    throw new AppError(403, "origin-not-allowed", "Origin not allowed", { detail: "This origin may not open sockets" });
  }
  const stub = inboxStub(c.env, principal.userId);
  // The hello shows the newest entries: those of rooms no longer visible go first (again if dropping them
  // brought older entries of other rooms into the newest).
  for (let round = 0; round < HELLO_ROUNDS; round++) {
    const hidden = await forgetHiddenRooms(c.env, principal.userId, await stub.rooms(INBOX_HELLO_LATEST));
    if (hidden.size === 0) break;
  }
  const headers = new Headers({
    Upgrade: "websocket",
    [INBOX_IDENTITY_HEADERS.userId]: principal.userId,
    [INBOX_IDENTITY_HEADERS.sessionId]: principal.sessionId,
    [INBOX_IDENTITY_HEADERS.epoch]: String(principal.epoch),
  });
  const res = await stub.fetch(new Request(INBOX_UPGRADE_URL, { headers }));
  if (!res.webSocket) throw new Error(`inbox answered ${res.status} without a WebSocket`);
  return new Response(null, { status: 101, webSocket: res.webSocket });
}

export function createInboxRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/inbox",
      tags: ["inbox"],
      summary: `The caller's inbox, newest first: mentions, @room and replies in their threads (limit ≤ ${INBOX_PAGE_MAX})`,
      description:
        "Pass nextBefore as `before` for older entries. The inbox keeps the newest 500 entries; entries of rooms the caller can no longer see are removed, so a page may hold fewer than `limit`.",
      request: { query: InboxQuerySchema },
      responses: { 200: json(InboxPageSchema, "A page of entries, newest first") },
    }),
    async (c) => {
      const userId = signedInUserId(c);
      const { before, limit } = c.req.valid("query");
      const stub = inboxStub(c.env, userId);
      const page = capRooms(await stub.page(before, limit ?? DEFAULT_PAGE));
      const hidden = await forgetHiddenRooms(
        c.env,
        userId,
        page.entries.map((e) => e.room),
      );
      c.header("Cache-Control", "private, no-store");
      if (hidden.size === 0) return c.json(page, 200);
      const unread = await stub.unread();
      return c.json({ ...page, entries: page.entries.filter((e) => !hidden.has(e.room)), unread }, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "post",
      path: "/api/inbox/read",
      tags: ["inbox"],
      summary: "Mark entries of the caller's inbox read: `{ids: [...]}` or `{all: true}`",
      description: "Ids that are not in the caller's inbox are ignored. Every open inbox socket gets a `read` frame.",
      request: { body: { content: { "application/json": { schema: MarkInboxReadSchema } }, required: true } },
      responses: { 200: json(InboxUnreadSchema, "Unread entries left") },
    }),
    async (c) => {
      const userId = signedInUserId(c);
      const body = c.req.valid("json");
      const result = await inboxStub(c.env, userId).markRead("all" in body ? "all" : body.ids);
      c.header("Cache-Control", "no-store");
      return c.json(result, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/inbox/ws",
      tags: ["inbox"],
      summary: "The caller's inbox over WebSocket: a hello with the unread count and newest entries, then live entries",
      description:
        'Authenticate with the session cookie or a bearer token; the Origin must be first-party. Frames: InboxFrame in inbox.schema.ts (`hello`, `entry`, `read`); the client sends only `{"type":"ping"}`. Closed with 4401 when the session ends: sign in again.',
      security: SESSION_SECURITY,
      responses: {
        101: { description: "Switching protocols: the inbox's WebSocket" },
        ...AUTH_ERRORS,
        426: problem("Not a WebSocket upgrade"),
      },
    }),
    // The 101 response carries the socket; it has no JSON body to type.
    (c) => upgrade(c) as never,
  );

  return router;
}

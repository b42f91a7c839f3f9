// Inbox Durable Object: one per user (idFromName(userId)). Rooms deliver notices to it by RPC (idempotent by
// room + message + kind); it keeps the newest INBOX_KEEP entries in SQLite with their read state, and pushes
// each new entry and each read change to the user's sockets (hibernating WebSockets: an idle inbox costs nothing).
// The Worker authenticates every caller; the object trusts its headers and is reachable only through the Worker.
import { DurableObject } from "cloudflare:workers";
import {
  INBOX_CLOSE_SESSION_ENDED,
  INBOX_HELLO_LATEST,
  type InboxFrame,
  type InboxNotice,
  InboxNoticeSchema,
  type InboxPage,
} from "./inbox.schema";
import { InboxEntries } from "./inbox-entries";

/** What the Worker tells the object about an upgrade it has authenticated. */
export const INBOX_IDENTITY_HEADERS = {
  userId: "X-Outpost-User-Id",
  sessionId: "X-Outpost-Session-Id",
  epoch: "X-Outpost-Session-Epoch",
} as const;
export const INBOX_UPGRADE_URL = "https://inbox.internal/ws";

/** Which of the user's sessions ended (the auth feature's EndedSessions). */
export interface InboxRevokeScope {
  sessions?: readonly string[];
  keepSession?: string;
  belowEpoch?: number;
}

interface SocketState {
  userId: string;
  sessionId: string;
  epoch: number;
  revoked?: boolean;
}

function isRevoked(state: SocketState, scope: InboxRevokeScope): boolean {
  if (!state.sessionId) return true;
  if (scope.belowEpoch !== undefined) return state.epoch < scope.belowEpoch;
  if (scope.keepSession !== undefined) return state.sessionId !== scope.keepSession;
  return scope.sessions?.includes(state.sessionId) ?? false;
}

export class Inbox extends DurableObject<Env> {
  readonly entries: InboxEntries;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.entries = new InboxEntries(ctx.storage.sql);
    // Answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  // ---- RPC ----

  /**
   * Stores the notices not already here (by room + message + kind) and pushes each new entry to the user's
   * sockets. Notices that fail the schema are skipped (the RPC boundary re-checks). Never throws for bad input.
   */
  async add(notices: InboxNotice[]): Promise<{ added: number; unread: number }> {
    const valid = (Array.isArray(notices) ? notices : []).flatMap((notice) => {
      const parsed = InboxNoticeSchema.safeParse(notice);
      return parsed.success ? [parsed.data] : [];
    });
    const added = this.entries.add(valid, Date.now());
    const unread = this.entries.unread();
    for (const entry of added) this.#broadcast({ type: "entry", entry, unread });
    return { added: added.length, unread };
  }

  /** Newest first; `before` an entry id. */
  async page(before: number | undefined, limit: number): Promise<InboxPage> {
    return this.entries.page(before, limit);
  }

  async markRead(ids: number[] | "all"): Promise<{ unread: number }> {
    const changed = this.entries.markRead(ids);
    const unread = this.entries.unread();
    if (changed > 0) this.#broadcast({ type: "read", unread, ids: ids === "all" ? [] : ids, all: ids === "all" });
    return { unread };
  }

  async unread(): Promise<number> {
    return this.entries.unread();
  }

  /** The rooms of the newest `limit` entries, most recent first (the Worker checks the user may still see them). */
  async rooms(limit: number): Promise<string[]> {
    return this.entries.rooms(limit);
  }

  /** Drops every entry of rooms the user may no longer see (removed from a private room, room gone). */
  async forgetRooms(rooms: string[]): Promise<{ unread: number }> {
    const changed = this.entries.forgetRooms(rooms);
    const unread = this.entries.unread();
    if (changed > 0) this.#broadcast({ type: "dropped", rooms: [...new Set(rooms)], unread });
    return { unread };
  }

  /** Closes the sockets opened with sessions that ended (4401); returns how many. */
  async revokeSessions(scope: InboxRevokeScope): Promise<number> {
    let closed = 0;
    for (const ws of this.ctx.getWebSockets()) {
      const state = ws.deserializeAttachment() as SocketState | null;
      if (!state || state.revoked || !isRevoked(state, scope)) continue;
      ws.serializeAttachment({ ...state, revoked: true });
      try {
        ws.close(INBOX_CLOSE_SESSION_ENDED, "session ended: sign in again");
      } catch {
        // already closing
      }
      closed++;
    }
    return closed;
  }

  // ---- WebSocket (upgrade forwarded by the Worker) ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const userId = request.headers.get(INBOX_IDENTITY_HEADERS.userId);
    if (!userId) return new Response("no identity", { status: 401 });
    const epoch = Number(request.headers.get(INBOX_IDENTITY_HEADERS.epoch) ?? 0);
    const state: SocketState = {
      userId,
      sessionId: request.headers.get(INBOX_IDENTITY_HEADERS.sessionId) ?? "",
      epoch: Number.isSafeInteger(epoch) ? epoch : 0,
    };
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(state);
    const latest = this.entries.page(undefined, INBOX_HELLO_LATEST);
    send(server, { type: "hello", unread: latest.unread, latest: latest.entries });
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(): Promise<void> {
    // The inbox socket is server → client; pings are answered by the runtime, anything else is ignored.
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    const safeCode = code === 1005 || code === 1006 || code < 1000 ? 1000 : code;
    try {
      ws.close(safeCode, reason.slice(0, 120));
    } catch {
      // already closed
    }
  }

  #broadcast(frame: InboxFrame): void {
    const text = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets()) {
      const state = ws.deserializeAttachment() as SocketState | null;
      if (state?.revoked) continue;
      try {
        ws.send(text);
      } catch {
        // closing
      }
    }
  }
}

function send(ws: WebSocket, frame: InboxFrame): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // closing
  }
}

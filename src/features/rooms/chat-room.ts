// ChatRoom Durable Object: one per room. WebSockets through the Hibernation API, messages stored before
// they are broadcast, resume from the last id seen, a message allowance per user, broadcasts coalesced when busy
// (BroadcastQueue), and sockets closed when the session they were opened with ends (revokeSessions). The only
// timer is a flush pending for at most one broadcast slot, so an idle room can hibernate.
import { DurableObject } from "cloudflare:workers";
import { linkPreview, linksIn } from "../previews";
import { BroadcastQueue } from "./broadcast-queue";
import { closeSockets } from "./close-sockets";
import { MessageAllowance } from "./message-allowance";
import { MessageStore } from "./message-store";
import { readClientFrame } from "./read-client-frame";
import { type Attachment, attachmentOf, RoomSockets, saveAttachment, sendFrame } from "./room-sockets";
import {
  IDENTITY_HEADERS,
  isRevoked,
  JOINED_HEADERS,
  type RevokeScope,
  RoomTickets,
  type SessionRef,
} from "./room-tickets";
import { getRoomsConfig } from "./rooms.config";
import {
  type ChatMessage,
  CLOSE_REMOVED_FROM_ROOM,
  CLOSE_SESSION_ENDED,
  type HistoryPage,
  type Member,
  RESUME_MAX,
  type RoomStats,
} from "./rooms.schema";

const TYPING_EVERY_MS = 2_000;
const WELCOME_HISTORY = 50;
const MAX_INVALID_FRAMES = 20;

export class ChatRoom extends DurableObject<Env> {
  /** Exposed so tests can inject a storage failure; the object's only store. */
  store: MessageStore;
  /** Stored messages waiting for their broadcast slot (`ROOM_SEND_BUDGET`); exposed so tests can set the budget. */
  broadcasts: BroadcastQueue;
  readonly #tickets: RoomTickets;
  readonly #allowance: MessageAllowance;
  readonly #retention: number;
  readonly #sockets: RoomSockets;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const config = getRoomsConfig(env);
    this.#sockets = new RoomSockets(ctx);
    this.store = new MessageStore(ctx.storage);
    this.#tickets = new RoomTickets(ctx.storage.sql);
    this.#allowance = new MessageAllowance((userId) => ctx.getWebSockets(userId));
    this.#retention = config.ROOM_RETENTION;
    this.broadcasts = new BroadcastQueue(
      {
        sockets: () => this.#sockets.all().length,
        broadcast: (frame, except) => this.#sockets.broadcast(frame, except),
      },
      config.ROOM_SEND_BUDGET,
    );
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    // Answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  // ---- RPC (called by the Worker) ----

  async history(before: number | undefined, limit: number): Promise<HistoryPage> {
    return { room: this.#roomName(), ...this.store.page(before, limit) };
  }

  /** Messages matching any of `terms` (the assistant's search tool). */
  async search(terms: string[], limit: number): Promise<ChatMessage[]> {
    return this.store.search(terms, limit);
  }

  /**
   * The room at a glance for one reader: `unread` counts the messages after their cursor that others sent
   * (0 for a reader who never visited, `lastReadId` null). One call per room in the room list.
   */
  async summary(reader?: { userId: string; lastReadId: number | null }): Promise<RoomStats> {
    const at = this.store.lastMessageAt();
    const lastId = this.store.lastId();
    const lastReadId = reader?.lastReadId ?? null;
    return {
      name: this.#roomName(),
      messageCount: lastId,
      lastMessageAt: at === null ? null : new Date(at).toISOString(),
      online: this.#sockets.roster(),
      lastId,
      unread:
        reader && lastReadId !== null && lastReadId < lastId ? this.store.unreadSince(lastReadId, reader.userId) : 0,
    };
  }

  /** The newest message id (0 when none): where a read cursor may go at most. */
  async newestId(): Promise<number> {
    return this.store.lastId();
  }

  /** Closes a removed member's sockets (tagged with their user id at accept) and tells the others. */
  async disconnect(userId: string): Promise<number> {
    // Their unused tickets go too: a ticket is checked for membership only when it is issued.
    this.#tickets.revoke(userId);
    const sockets = this.ctx.getWebSockets(userId);
    this.#sockets.changed();
    const { closed, member } = closeSockets(
      sockets,
      () => true,
      "removed",
      CLOSE_REMOVED_FROM_ROOM,
      "removed from the room",
    );
    if (member) this.#sockets.broadcast({ type: "presence", event: "leave", member, roster: this.#sockets.roster() });
    this.announceMembership("removed", userId);
    return closed;
  }

  /** Tells everyone connected that the member list changed (private rooms; the Worker calls it). */
  announceMembership(event: "added" | "removed", userId: string): void {
    this.#sockets.broadcast({ type: "membership", event, userId });
  }

  /**
   * A session ended (logout, revoked, signed out elsewhere, password changed, account disabled): closes the
   * user's sockets opened with it (4401), marking them first so nothing they still send is read, voids its
   * unused tickets, and remembers it so an upgrade already on its way is refused. `remaining`: the user's
   * sockets and tickets left here (0: the Worker may forget this room for them).
   */
  async revokeSessions(scope: RevokeScope): Promise<{ closed: number; remaining: number }> {
    const tickets = this.#tickets.revokeSessions(scope);
    const sockets = this.ctx.getWebSockets(scope.userId);
    this.#sockets.changed();
    const result = closeSockets(
      sockets,
      (attachment) => isRevoked(attachment, scope),
      "revoked",
      CLOSE_SESSION_ENDED,
      "session ended: sign in again",
    );
    if (result.member && !this.#sockets.roster().some((m) => m.userId === scope.userId)) {
      this.#sockets.broadcast({
        type: "presence",
        event: "leave",
        member: result.member,
        roster: this.#sockets.roster(),
      });
    }
    return { closed: result.closed, remaining: result.kept + tickets };
  }

  /** A single-use ticket for browsers that cannot send credentials with the WebSocket handshake. */
  async issueTicket(
    member: Member,
    room: string,
    session?: SessionRef,
  ): Promise<{ ticket: string; expiresAt: number }> {
    this.#rememberName(room);
    return this.#tickets.issue(member, session ?? { sessionId: "", epoch: 0 });
  }

  // ---- WebSocket upgrade (forwarded by the Worker) ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const room = request.headers.get(IDENTITY_HEADERS.room) ?? "";
    this.#rememberName(room);
    const admission = await this.#tickets.identify(request);
    if (!admission) return new Response("invalid or used ticket, or an ended session", { status: 401 });
    const { member, sessionId, epoch } = admission;

    // Whatever is stored goes out first, so the welcome's history and the live stream do not overlap.
    this.broadcasts.flush();
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const firstConnection = !this.#sockets.roster().some((m) => m.userId === member.userId);
    this.ctx.acceptWebSocket(server, [member.userId]);
    this.#sockets.changed();
    const attachment: Attachment = {
      member,
      sessionId,
      epoch,
      connectedAt: Date.now(),
      bucket: null,
      lastTypingAt: 0,
      invalidFrames: 0,
    };
    saveAttachment(server, attachment);

    const roster = this.#sockets.roster();
    const lastId = this.store.lastId();
    sendFrame(server, {
      type: "welcome",
      you: member,
      room: this.#roomName(),
      roster,
      history: this.store.page(undefined, WELCOME_HISTORY).messages,
      lastId,
    });
    if (firstConnection) this.#sockets.broadcast({ type: "presence", event: "join", member, roster }, server);
    const headers = { [JOINED_HEADERS.userId]: member.userId, [JOINED_HEADERS.lastId]: String(lastId) };
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  // ---- Hibernation API handlers ----

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const attachment = attachmentOf(ws);
    if (!attachment) {
      ws.close(1011, "lost connection state");
      return;
    }
    // Closed by a removal or a revocation: whatever it sent before its close arrived is not read.
    if (attachment.removed || attachment.revoked) return;
    const read = readClientFrame(data);
    if (read.kind === "too-large") return ws.close(1009, "frame too large");
    if (read.kind === "refused") return this.#reject(ws, attachment, read.code, read.reason);
    const frame = read.frame;
    if (frame.type === "typing") return this.#onTyping(ws, attachment);
    if (frame.type === "resume") return this.#onResume(ws, frame.lastId);
    return this.#onMessage(ws, attachment, frame.text, frame.clientMessageId);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // 1005/1006 are reserved: they may be received but not sent.
    const safeCode = code === 1005 || code === 1006 || code < 1000 ? 1000 : code;
    try {
      ws.close(safeCode, reason.slice(0, 120));
    } catch {
      // already closed
    }
    this.#left(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.#left(ws);
  }

  // ---- frames ----

  #onMessage(ws: WebSocket, attachment: Attachment, text: string, clientMessageId?: string): void {
    const decision = this.#allowance.take(attachment.member.userId, Date.now());
    if (!decision.allowed) {
      sendFrame(ws, {
        type: "error",
        code: "rate-limited",
        reason: "You are sending messages too fast",
        retryAfterMs: decision.retryAfterMs,
        ...(clientMessageId ? { clientMessageId } : {}),
      });
      return;
    }
    saveAttachment(ws, { ...attachment, bucket: decision.nextState });

    let stored: { message: ChatMessage; duplicate: boolean };
    try {
      stored = this.store.insert({ ...attachment.member, text, clientMessageId, now: Date.now() });
    } catch {
      // Not stored means not sent: nobody may see a message that a restart would lose.
      sendFrame(ws, {
        type: "error",
        code: "not-stored",
        reason: "The message could not be saved; send it again",
        ...(clientMessageId ? { clientMessageId } : {}),
      });
      return;
    }
    if (clientMessageId) {
      sendFrame(ws, { type: "ack", clientMessageId, id: stored.message.id, duplicate: stored.duplicate });
    }
    if (stored.duplicate) return;
    this.broadcasts.queue(stored.message);
    if (linksIn(stored.message.text).length > 0) {
      this.ctx.waitUntil(this.#deliverPreviews(stored.message));
    }
    if (stored.message.id % 100 === 0) this.store.enforceRetention(this.#retention);
  }

  #onTyping(ws: WebSocket, attachment: Attachment): void {
    const now = Date.now();
    if (now - attachment.lastTypingAt < TYPING_EVERY_MS) return;
    saveAttachment(ws, { ...attachment, lastTypingAt: now });
    this.#sockets.broadcast({ type: "typing", member: attachment.member }, ws);
  }

  #onResume(ws: WebSocket, lastId: number): void {
    // As for the welcome: replay and live stream must not overlap, so what waits goes to the others now
    // and to this socket in its replay.
    this.broadcasts.flush(ws);
    const first = this.store.firstId();
    const missed = this.store.after(lastId, RESUME_MAX + 1);
    if (missed.length > RESUME_MAX || (first > 0 && lastId < first - 1)) {
      sendFrame(ws, {
        type: "error",
        code: "resume-too-far",
        reason: "Too much was missed; load the history over HTTP",
      });
      return;
    }
    for (const message of missed) sendFrame(ws, { type: "message", message });
    sendFrame(ws, { type: "resumed", lastId: missed.at(-1)?.id ?? lastId, count: missed.length });
  }

  #reject(ws: WebSocket, attachment: Attachment, code: "invalid-frame" | "binary-not-supported", reason: string): void {
    const invalidFrames = attachment.invalidFrames + 1;
    if (invalidFrames > MAX_INVALID_FRAMES) {
      ws.close(1008, "too many invalid frames");
      return;
    }
    saveAttachment(ws, { ...attachment, invalidFrames });
    sendFrame(ws, { type: "error", code, reason: reason.slice(0, 200) });
  }

  // ---- helpers ----

  #left(ws: WebSocket): void {
    this.#sockets.changed();
    const attachment = attachmentOf(ws);
    if (!attachment || attachment.removed || attachment.revoked) return;
    const roster = this.#sockets.roster(ws);
    if (!roster.some((m) => m.userId === attachment.member.userId)) {
      this.#sockets.broadcast({ type: "presence", event: "leave", member: attachment.member, roster }, ws);
    }
  }

  /** Previews of a new message's links (cached in KV), sent to everyone in the room once known. */
  async #deliverPreviews(message: ChatMessage): Promise<void> {
    for (const url of linksIn(message.text, 2)) {
      const preview = await linkPreview(this.env, url).catch(() => null);
      // The message itself reaches everyone before its preview.
      this.broadcasts.flush();
      this.#sockets.broadcast({ type: "preview", messageId: message.id, url, preview });
    }
  }

  #rememberName(room: string): void {
    if (room) this.ctx.storage.sql.exec("INSERT OR IGNORE INTO meta (key, value) VALUES ('name', ?)", room);
  }

  #roomName(): string {
    return (
      this.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'name'").toArray()[0]?.value ??
      ""
    );
  }
}

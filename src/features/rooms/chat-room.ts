// ChatRoom Durable Object: one per room. WebSockets through the Hibernation API, messages stored before
// they are broadcast, resume from the last id seen, per-connection rate limits, broadcasts coalesced when busy.
// The only timer is a flush pending for at most one broadcast slot, so an idle room can hibernate.
import { DurableObject } from "cloudflare:workers";
import { randomToken, sha256Hex } from "@outpost/edge-kit/crypto";
import { decide, type GcraState } from "@outpost/edge-kit/pacing";
import { linkPreview, linksIn } from "../previews";
import { MessageStore } from "./message-store";
import {
  type ChatMessage,
  CLOSE_REMOVED_FROM_ROOM,
  ClientFrameSchema,
  type HistoryPage,
  MAX_FRAME_BYTES,
  type Member,
  RESUME_MAX,
  type RoomSummary,
  type ServerFrame,
} from "./rooms.schema";

/** Per connection: a burst of 30 messages, then 5 a second. */
const MESSAGE_POLICY = { limit: 30, periodMs: 6_000 };
const TYPING_EVERY_MS = 2_000;
const WELCOME_HISTORY = 50;
const TICKET_TTL_MS = 60_000;
const MAX_INVALID_FRAMES = 20;
const DEFAULT_RETENTION = 10_000;
const DEFAULT_SEND_BUDGET = 5_000;

/** What each socket carries through hibernation (serializeAttachment keeps ≤ 16 KiB). */
interface Attachment {
  member: Member;
  connectedAt: number;
  bucket: GcraState | null;
  lastTypingAt: number;
  invalidFrames: number;
  /** Set when the member was removed from a private room: their leave is announced once, by disconnect(). */
  removed?: boolean;
}

/** The URL the Worker forwards WebSocket upgrades to; the object only looks at the headers. */
export const ROOM_UPGRADE_URL = "https://room.internal/ws";

/** Headers the Worker sets after it has authenticated the caller; the object is reachable only through it. */
export const IDENTITY_HEADERS = {
  userId: "X-Outpost-User-Id",
  displayName: "X-Outpost-Display-Name",
  room: "X-Outpost-Room",
  ticket: "X-Outpost-Ticket",
} as const;

export class ChatRoom extends DurableObject<Env> {
  /** Exposed so tests can inject a storage failure; the object's only store. */
  store: MessageStore;
  /**
   * Frames a second this room may send for messages (`ROOM_SEND_BUDGET`; 0 = unlimited). Each broadcast costs
   * one frame per socket, so with N sockets broadcasts are at least N / budget seconds apart; messages stored
   * in between wait for the next slot and go out together in one `messages` frame. A quiet room therefore
   * sends at once, and a busy one degrades by a bounded delay instead of an unbounded send queue.
   * Exposed so tests can set it.
   */
  sendBudget: number;
  /** Stored but not yet broadcast (only while a flush is scheduled). In memory: a restart closes every socket. */
  #pending: ChatMessage[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #lastBroadcastAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new MessageStore(ctx.storage.sql);
    this.sendBudget = this.#configuredSendBudget();
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS tickets (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, display_name TEXT NOT NULL, expires_at INTEGER NOT NULL)",
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

  async summary(): Promise<Omit<RoomSummary, "visibility">> {
    const at = this.store.lastMessageAt();
    return {
      name: this.#roomName(),
      messageCount: this.store.lastId(),
      lastMessageAt: at === null ? null : new Date(at).toISOString(),
      online: this.#roster(),
    };
  }

  /** Closes a removed member's sockets (tagged with their user id at accept) and tells the others. */
  async disconnect(userId: string): Promise<number> {
    // Their unused tickets go too: a ticket is checked for membership only when it is issued.
    this.ctx.storage.sql.exec("DELETE FROM tickets WHERE user_id = ?", userId);
    const sockets = this.ctx.getWebSockets(userId);
    let member: Member | null = null;
    for (const ws of sockets) {
      const attachment = ws.deserializeAttachment() as Attachment | null;
      if (attachment) {
        member = attachment.member;
        ws.serializeAttachment({ ...attachment, removed: true });
      }
      try {
        ws.close(CLOSE_REMOVED_FROM_ROOM, "removed from the room");
      } catch {
        // already closing
      }
    }
    if (member) this.#broadcast({ type: "presence", event: "leave", member, roster: this.#roster() });
    this.announceMembership("removed", userId);
    return sockets.length;
  }

  /** Tells everyone connected that the member list changed (private rooms; the Worker calls it). */
  announceMembership(event: "added" | "removed", userId: string): void {
    this.#broadcast({ type: "membership", event, userId });
  }

  /** A single-use ticket for browsers that cannot send credentials with the WebSocket handshake. */
  async issueTicket(member: Member, room: string): Promise<{ ticket: string; expiresAt: number }> {
    this.#rememberName(room);
    const now = Date.now();
    const ticket = randomToken();
    this.ctx.storage.sql.exec("DELETE FROM tickets WHERE expires_at <= ?", now);
    this.ctx.storage.sql.exec(
      "INSERT INTO tickets (hash, user_id, display_name, expires_at) VALUES (?, ?, ?, ?)",
      await sha256Hex(ticket),
      member.userId,
      member.displayName,
      now + TICKET_TTL_MS,
    );
    return { ticket, expiresAt: now + TICKET_TTL_MS };
  }

  // ---- WebSocket upgrade (forwarded by the Worker) ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const room = request.headers.get(IDENTITY_HEADERS.room) ?? "";
    this.#rememberName(room);
    const member = await this.#identify(request);
    if (!member) return new Response("invalid or used ticket", { status: 401 });

    // Whatever is stored goes out first, so the welcome's history and the live stream do not overlap.
    this.#flush();
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const firstConnection = !this.#roster().some((m) => m.userId === member.userId);
    this.ctx.acceptWebSocket(server, [member.userId]);
    const attachment: Attachment = { member, connectedAt: Date.now(), bucket: null, lastTypingAt: 0, invalidFrames: 0 };
    server.serializeAttachment(attachment);

    const roster = this.#roster();
    this.#send(server, {
      type: "welcome",
      you: member,
      room: this.#roomName(),
      roster,
      history: this.store.page(undefined, WELCOME_HISTORY).messages,
      lastId: this.store.lastId(),
    });
    if (firstConnection) this.#broadcast({ type: "presence", event: "join", member, roster }, server);
    return new Response(null, { status: 101, webSocket: client });
  }

  async #identify(request: Request): Promise<Member | null> {
    const ticket = request.headers.get(IDENTITY_HEADERS.ticket);
    if (ticket) {
      // Single use, atomically: the DELETE both checks and consumes.
      const row = this.ctx.storage.sql
        .exec<{ user_id: string; display_name: string }>(
          "DELETE FROM tickets WHERE hash = ? AND expires_at > ? RETURNING user_id, display_name",
          await sha256Hex(ticket),
          Date.now(),
        )
        .toArray()[0];
      return row ? { userId: row.user_id, displayName: row.display_name } : null;
    }
    const userId = request.headers.get(IDENTITY_HEADERS.userId);
    const displayName = request.headers.get(IDENTITY_HEADERS.displayName);
    if (!userId || displayName === null) return null;
    return { userId, displayName: decodeURIComponent(displayName) };
  }

  // ---- Hibernation API handlers ----

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const attachment = ws.deserializeAttachment() as Attachment | null;
    if (!attachment) {
      ws.close(1011, "lost connection state");
      return;
    }
    if (typeof data !== "string") {
      if (data.byteLength > MAX_FRAME_BYTES) return ws.close(1009, "frame too large");
      return this.#reject(ws, attachment, "binary-not-supported", "Send text frames containing JSON");
    }
    if (data.length > MAX_FRAME_BYTES) return ws.close(1009, "frame too large");
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return this.#reject(ws, attachment, "invalid-frame", "Frames must be JSON");
    }
    const parsed = ClientFrameSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.#reject(
        ws,
        attachment,
        "invalid-frame",
        `${issue?.path.join(".") || "frame"}: ${issue?.message ?? "invalid"}`,
      );
    }
    const frame = parsed.data;
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
    const decision = decide(attachment.bucket, MESSAGE_POLICY, Date.now());
    if (!decision.allowed) {
      this.#send(ws, {
        type: "error",
        code: "rate-limited",
        reason: "You are sending messages too fast",
        retryAfterMs: decision.retryAfterMs,
        ...(clientMessageId ? { clientMessageId } : {}),
      });
      return;
    }
    ws.serializeAttachment({ ...attachment, bucket: decision.nextState });

    let stored: { message: ChatMessage; duplicate: boolean };
    try {
      stored = this.store.insert({ ...attachment.member, text, clientMessageId, now: Date.now() });
    } catch {
      // Not stored means not sent: nobody may see a message that a restart would lose.
      this.#send(ws, {
        type: "error",
        code: "not-stored",
        reason: "The message could not be saved; send it again",
        ...(clientMessageId ? { clientMessageId } : {}),
      });
      return;
    }
    if (clientMessageId) {
      this.#send(ws, { type: "ack", clientMessageId, id: stored.message.id, duplicate: stored.duplicate });
    }
    if (stored.duplicate) return;
    this.#queueBroadcast(stored.message);
    if (linksIn(stored.message.text).length > 0) {
      this.ctx.waitUntil(this.#deliverPreviews(stored.message));
    }
    if (stored.message.id % 100 === 0) this.store.enforceRetention(this.#retention());
  }

  #onTyping(ws: WebSocket, attachment: Attachment): void {
    const now = Date.now();
    if (now - attachment.lastTypingAt < TYPING_EVERY_MS) return;
    ws.serializeAttachment({ ...attachment, lastTypingAt: now });
    this.#broadcast({ type: "typing", member: attachment.member }, ws);
  }

  #onResume(ws: WebSocket, lastId: number): void {
    // As for the welcome: replay and live stream must not overlap, so what waits goes to the others now
    // and to this socket in its replay.
    this.#flush(ws);
    const first = this.store.firstId();
    const missed = this.store.after(lastId, RESUME_MAX + 1);
    if (missed.length > RESUME_MAX || (first > 0 && lastId < first - 1)) {
      this.#send(ws, {
        type: "error",
        code: "resume-too-far",
        reason: "Too much was missed; load the history over HTTP",
      });
      return;
    }
    for (const message of missed) this.#send(ws, { type: "message", message });
    this.#send(ws, { type: "resumed", lastId: missed.at(-1)?.id ?? lastId, count: missed.length });
  }

  #reject(ws: WebSocket, attachment: Attachment, code: "invalid-frame" | "binary-not-supported", reason: string): void {
    const invalidFrames = attachment.invalidFrames + 1;
    if (invalidFrames > MAX_INVALID_FRAMES) {
      ws.close(1008, "too many invalid frames");
      return;
    }
    ws.serializeAttachment({ ...attachment, invalidFrames });
    this.#send(ws, { type: "error", code, reason: reason.slice(0, 200) });
  }

  // ---- helpers ----

  #left(ws: WebSocket): void {
    const attachment = ws.deserializeAttachment() as Attachment | null;
    if (!attachment || attachment.removed) return;
    const roster = this.#roster(ws);
    if (!roster.some((m) => m.userId === attachment.member.userId)) {
      this.#broadcast({ type: "presence", event: "leave", member: attachment.member, roster }, ws);
    }
  }

  /** Everyone connected, once each, rebuilt from the sockets' attachments (survives hibernation). */
  #roster(except?: WebSocket): Member[] {
    const members = new Map<string, Member>();
    for (const socket of this.ctx.getWebSockets()) {
      if (socket === except || socket.readyState !== WebSocket.READY_STATE_OPEN) continue;
      const attachment = socket.deserializeAttachment() as Attachment | null;
      if (attachment) members.set(attachment.member.userId, attachment.member);
    }
    return [...members.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  /** Previews of a new message's links (cached in KV), sent to everyone in the room once known. */
  async #deliverPreviews(message: ChatMessage): Promise<void> {
    for (const url of linksIn(message.text, 2)) {
      const preview = await linkPreview(this.env, url).catch(() => null);
      // The message itself reaches everyone before its preview.
      this.#flush();
      this.#broadcast({ type: "preview", messageId: message.id, url, preview });
    }
  }

  #send(ws: WebSocket, frame: ServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // A socket that is closing: the close handler cleans up.
    }
  }

  /** Broadcasts a stored message now, or with the others at the next slot the send budget allows. */
  #queueBroadcast(message: ChatMessage): void {
    this.#pending.push(message);
    if (this.#flushTimer !== null) return;
    const sockets = this.ctx.getWebSockets().length;
    const spacingMs = this.sendBudget > 0 ? (sockets * 1_000) / this.sendBudget : 0;
    const waitMs = this.#lastBroadcastAt + spacingMs - Date.now();
    if (waitMs <= 0) this.#flush();
    // A timer only while messages wait (at most spacingMs): an idle room has none and can hibernate.
    else this.#flushTimer = setTimeout(() => this.#flush(), waitMs);
  }

  #flush(except?: WebSocket): void {
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#lastBroadcastAt = Date.now();
    const [only] = batch;
    this.#broadcast(
      batch.length === 1 && only ? { type: "message", message: only } : { type: "messages", messages: batch },
      except,
    );
  }

  /** Sends to every open socket; a dead one is skipped and never blocks the rest. */
  #broadcast(frame: ServerFrame, except?: WebSocket): void {
    const text = JSON.stringify(frame);
    for (const socket of this.ctx.getWebSockets()) {
      if (socket === except) continue;
      try {
        socket.send(text);
      } catch {
        // closed or closing
      }
    }
  }

  #configuredSendBudget(): number {
    const configured = Number(this.env.ROOM_SEND_BUDGET ?? DEFAULT_SEND_BUDGET);
    return Number.isSafeInteger(configured) && configured >= 0 ? configured : DEFAULT_SEND_BUDGET;
  }

  #retention(): number {
    const configured = Number(this.env.ROOM_RETENTION);
    return Number.isSafeInteger(configured) && configured >= 100 ? configured : DEFAULT_RETENTION;
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

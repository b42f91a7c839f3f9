// ChatRoom Durable Object: one per room. WebSockets through the Hibernation API, one ordered log of messages and
// events stored before they are broadcast (room-history.ts, room-ops.ts), resume from the last id seen, an
// allowance per user, broadcasts coalesced when busy (BroadcastQueue), mentions (room-people.ts) and inbox
// notifications (notify-outbox.ts), and sockets closed when the session they were opened with ends. Frames are
// applied strictly in arrival order: while one waits for D1 (attachments) the next ones wait for it.
import { DurableObject } from "cloudflare:workers";
import { BroadcastQueue } from "./broadcast-queue";
import { closeSockets } from "./close-sockets";
import { FrameQueue } from "./frame-queue";
import { MessageAllowance } from "./message-allowance";
import { NotifyOutbox, noticesFor } from "./notify-outbox";
import { applyFrame } from "./room-frames";
import { RoomHistory } from "./room-history";
import { RoomOps } from "./room-ops";
import { RoomPeople } from "./room-people";
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
  type MessageAttachment,
  type RoomStats,
  type ThreadPage,
} from "./rooms.schema";

const WELCOME_HISTORY = 50;

export class ChatRoom extends DurableObject<Env> {
  /** The room's log (messages, events, reactions); exposed so tests can inject a storage failure. */
  store: RoomHistory;
  /** Stored changes waiting for their broadcast slot (`ROOM_SEND_BUDGET`); exposed so tests can set the budget. */
  broadcasts: BroadcastQueue;
  readonly people: RoomPeople;
  readonly outbox: NotifyOutbox;
  readonly #tickets: RoomTickets;
  readonly #sockets: RoomSockets;
  readonly #ops: RoomOps;
  readonly #frames = new FrameQueue();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const config = getRoomsConfig(env);
    this.#sockets = new RoomSockets(ctx);
    this.store = new RoomHistory(ctx.storage);
    this.people = new RoomPeople(ctx.storage.sql);
    this.outbox = new NotifyOutbox(ctx, env);
    this.#tickets = new RoomTickets(ctx.storage.sql);
    this.broadcasts = new BroadcastQueue(
      {
        sockets: () => this.#sockets.all().length,
        broadcast: (frame, except) => this.#sockets.broadcast(frame, except),
      },
      config.ROOM_SEND_BUDGET,
    );
    const room = this;
    this.#ops = new RoomOps({
      get history() {
        return room.store;
      },
      broadcasts: this.broadcasts,
      allowance: new MessageAllowance((userId) => ctx.getWebSockets(userId)),
      env,
      retention: config.ROOM_RETENTION,
      waitUntil: (promise) => ctx.waitUntil(promise),
      broadcast: (frame) => this.#sockets.broadcast(frame),
      resolveMentions: (text, sender) => this.people.resolve(text, sender.userId),
      notify: (message, root) => this.#notify(message, root),
    });
    // Answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  // ---- RPC (called by the Worker) ----

  /** A page of the main timeline (before `before`, or centred on `around`) as `reader` sees it. */
  async history(
    before: number | undefined,
    limit: number,
    reader: string | null = null,
    around?: number,
  ): Promise<HistoryPage> {
    const page =
      around === undefined ? this.store.page(before, limit, reader) : this.store.around(around, limit, reader);
    return { room: this.#roomName(), ...page };
  }

  /** A thread's root and a page of its replies; null when there is no such root. */
  async thread(rootId: number, after: number, limit: number, reader: string | null): Promise<ThreadPage | null> {
    const page = this.store.thread(rootId, after, limit, reader);
    return page && { room: this.#roomName(), ...page };
  }

  /** Who can be @mentioned here, for the composer's autocomplete. */
  async mentionable(query: string, limit: number): Promise<Member[]> {
    return this.people.list(query, limit);
  }

  /** Messages matching any of `terms`, never deleted ones (the assistant's and the search's tool). */
  async search(terms: string[], limit: number): Promise<ChatMessage[]> {
    return this.store.search(terms, limit);
  }

  /** The file a message carries, while the message exists and is not deleted (the attachment route's grant). */
  async attachment(messageId: number, fileId: string): Promise<MessageAttachment | null> {
    return this.store.attachment(messageId, fileId);
  }

  /**
   * The room at a glance for one reader: `unread` counts the main-timeline messages after their cursor that
   * others sent, `mentions` those of them that mention the reader or @room (0 for a reader who never visited).
   */
  async summary(reader?: { userId: string; lastReadId: number | null }): Promise<RoomStats> {
    return { name: this.#roomName(), online: this.#sockets.roster(), ...this.store.stats(reader) };
  }

  /** The newest log id (0 when none): where a read cursor may go at most. */
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

  /** Tells everyone connected that the member list changed (private rooms; the Worker calls it); updates who may be mentioned. */
  announceMembership(event: "added" | "removed", userId: string, displayName?: string): void {
    if (event === "removed") this.people.remove(userId);
    else if (displayName !== undefined) this.people.add({ userId, displayName });
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
      const roster = this.#sockets.roster();
      this.#sockets.broadcast({ type: "presence", event: "leave", member: result.member, roster });
    }
    return { closed: result.closed, remaining: result.kept + tickets };
  }

  /** A single-use ticket for browsers that cannot send credentials with the WebSocket handshake. */
  async issueTicket(
    member: Member,
    room: string,
    session?: SessionRef,
    moderator = false,
  ): Promise<{ ticket: string; expiresAt: number }> {
    this.#rememberName(room);
    return this.#tickets.issue(member, session ?? { sessionId: "", epoch: 0 }, moderator);
  }

  /** Retries the inbox notifications still owed (set by NotifyOutbox). */
  override async alarm(): Promise<void> {
    await this.outbox.deliver();
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
    const { member, sessionId, epoch, moderator } = admission;
    // Frames still being applied go first, then whatever is stored goes out, so the welcome's history and the
    // live stream do not overlap.
    await this.#frames.idle();
    this.broadcasts.flush();
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const firstConnection = !this.#sockets.roster().some((m) => m.userId === member.userId);
    this.ctx.acceptWebSocket(server, [member.userId]);
    this.#sockets.changed();
    this.people.seen(member);
    const attachment: Attachment = {
      member,
      sessionId,
      epoch,
      moderator,
      connectedAt: Date.now(),
      bucket: null,
      lastTypingAt: 0,
      invalidFrames: 0,
    };
    saveAttachment(server, attachment);

    const roster = this.#sockets.roster();
    const lastId = this.store.lastId();
    const history = this.store.page(undefined, WELCOME_HISTORY, member.userId).messages;
    sendFrame(server, { type: "welcome", you: member, room: this.#roomName(), roster, history, lastId });
    if (firstConnection) this.#sockets.broadcast({ type: "presence", event: "join", member, roster }, server);
    const headers = { [JOINED_HEADERS.userId]: member.userId, [JOINED_HEADERS.lastId]: String(lastId) };
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  // ---- Hibernation API handlers ----

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    // The common path is synchronous; only while a frame waits (for D1) do later ones queue behind it.
    return this.#frames.run(() => applyFrame(ws, data, this.#ops, this.#sockets));
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

  // ---- helpers ----

  /** A stored message's notifications: written with it, delivered after (and retried by the alarm). */
  #notify(message: ChatMessage, root: ChatMessage | null): void {
    if (message.mentions.length === 0 && !message.mentionsRoom && !root) return;
    const threadParticipants = root ? this.store.messages.participants(root.id) : [];
    const notices = noticesFor({ message, room: this.#roomName(), people: this.people, threadParticipants });
    if (notices.length === 0) return;
    this.outbox.queue(notices);
    this.ctx.waitUntil(this.outbox.deliver());
  }

  #left(ws: WebSocket): void {
    this.#sockets.changed();
    const attachment = attachmentOf(ws);
    if (!attachment || attachment.removed || attachment.revoked) return;
    const roster = this.#sockets.roster(ws);
    if (!roster.some((m) => m.userId === attachment.member.userId)) {
      this.#sockets.broadcast({ type: "presence", event: "leave", member: attachment.member, roster }, ws);
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

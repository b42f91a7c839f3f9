// Benchmark entry: the real Outpost Worker plus reference routes, and a RateLimiter and ChatRoom that count
// their storage work. Built and run by the benchmarks (bench/lib.mjs) only; never deployed.
import { DurableObject } from "cloudflare:workers";
import { RateLimiter } from "@outpost/edge-kit/limiter";
import { ChatRoom, IDENTITY_HEADERS, ROOM_UPGRADE_URL } from "../src/features/rooms";
import outpost from "../src/index";

export { Counter, Inbox, Metrics, UserStats } from "../src/index";
export { ChatRoom };

const FLOOR_POLICY = { limit: 100_000, periodMs: 60_000 };

type SqlCounts = { statements: number; rowsRead: number; rowsWritten: number };

/** Counts every SQL statement an object runs and the rows it read and wrote, from its first statement on. */
function countSql(ctx: DurableObjectState): SqlCounts {
  const counts = { statements: 0, rowsRead: 0, rowsWritten: 0 };
  const sql = ctx.storage.sql;
  const exec = sql.exec.bind(sql);
  const counted = ((query: string, ...bindings: unknown[]) => {
    const cursor = exec(query, ...bindings);
    const rows = cursor.toArray();
    counts.statements++;
    counts.rowsRead += cursor.rowsRead;
    counts.rowsWritten += cursor.rowsWritten;
    return { toArray: () => rows, one: () => rows[0], rowsRead: cursor.rowsRead, rowsWritten: cursor.rowsWritten };
  }) as unknown as SqlStorage["exec"];
  Object.defineProperty(sql, "exec", { value: counted, configurable: true });
  return counts;
}

/** A Durable Object class whose constructor takes (ctx, env), as every Outpost object does. */
type ObjectClass<T> = new (ctx: DurableObjectState, env: Env) => T;

/** The same class with every SQL statement and the rows it touched counted, from its constructor on. */
function withSqlCounts<T extends DurableObject<Env>>(Base: ObjectClass<T>) {
  return class extends (Base as ObjectClass<DurableObject<Env>>) {
    readonly counts: SqlCounts;

    constructor(ctx: DurableObjectState, env: Env) {
      // Counted before the parent constructor runs, so its table creation counts too.
      const counts = countSql(ctx);
      super(ctx, env);
      this.counts = counts;
    }

    async stats(): Promise<SqlCounts> {
      return { ...this.counts };
    }
  } as unknown as ObjectClass<T & { counts: SqlCounts; stats(): Promise<SqlCounts> }>;
}

/** The production limiter, counted. */
export class CountingRateLimiter extends withSqlCounts(RateLimiter) {
  async tableRows(): Promise<number> {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM bucket").one().n;
  }
}

/** The production room, counted. */
export class CountingChatRoom extends withSqlCounts(ChatRoom) {}

/**
 * A stub typed as the counting class. bench/lib.mjs binds CHAT_ROOM (storage profile only) and RATE_LIMITER
 * to the counting classes, while the generated Env still names the production ones: hence the one cast.
 */
function countedStub<T extends Rpc.DurableObjectBranded>(
  namespace: DurableObjectNamespace<ChatRoom> | DurableObjectNamespace<RateLimiter>,
  name: string,
): DurableObjectStub<T> {
  return namespace.get(namespace.idFromName(name)) as unknown as DurableObjectStub<T>;
}

/** Opens a WebSocket straight to a room object, as the Worker does after authenticating the caller. */
async function openRoomSocket(stub: DurableObjectStub<CountingChatRoom>, userId: string) {
  const res = await stub.fetch(ROOM_UPGRADE_URL, {
    headers: {
      Upgrade: "websocket",
      [IDENTITY_HEADERS.userId]: userId,
      [IDENTITY_HEADERS.displayName]: "Bench",
      [IDENTITY_HEADERS.room]: "bench-storage",
    },
  });
  const ws = res.webSocket;
  if (!ws) throw new Error(`no WebSocket: ${res.status}`);
  ws.accept();
  /** Waiting sends by their client id or op id: an ack (messages) or done (edits, deletes, reactions) settles each. */
  const waiting = new Map<string, { resolve: (id: number) => void; reject: (error: Error) => void }>();
  const welcome = new Promise<void>((resolve) => {
    ws.addEventListener("message", (event) => {
      const frame = JSON.parse(String(event.data)) as {
        type: string;
        clientMessageId?: string;
        opId?: string;
        id?: number;
        code?: string;
      };
      if (frame.type === "welcome") resolve();
      const key = frame.clientMessageId ?? frame.opId;
      if (!key) return;
      if (frame.type === "ack" || frame.type === "done") waiting.get(key)?.resolve(frame.id ?? 0);
      if (frame.type === "error") waiting.get(key)?.reject(new Error(`${key}: ${frame.code}`));
      waiting.delete(key);
    });
  });
  await welcome;
  /** Sends one frame and resolves with the log id the room gave it (0: nothing changed). */
  const op = (key: string, frame: Record<string, unknown>) =>
    new Promise<number>((resolve, reject) => {
      waiting.set(key, { resolve, reject });
      ws.send(JSON.stringify(frame));
    });
  const send = (text: string, clientMessageId: string, extra: Record<string, unknown> = {}) =>
    op(clientMessageId, { type: "message", text, clientMessageId, ...extra });
  return { ws, send, op };
}

type Counted = { statements: number; rowsRead: number; rowsWritten: number };
const per = (before: Counted, after: Counted, n: number) => ({
  count: n,
  statements: Math.round(((after.statements - before.statements) / n) * 100) / 100,
  rowsRead: Math.round(((after.rowsRead - before.rowsRead) / n) * 100) / 100,
  rowsWritten: Math.round(((after.rowsWritten - before.rowsWritten) / n) * 100) / 100,
});

/**
 * Sends `n` messages into a fresh counted room over real WebSockets and reports the SQL work per message, then
 * the work per operation of each other kind: thread replies, edits, reactions added and removed, deletes.
 */
async function roomStorageProfile(env: Env, n: number) {
  const stub = countedStub<CountingChatRoom>(env.CHAT_ROOM, `bench-storage:${crypto.randomUUID()}`);
  // 25 operations a connection per phase, over fresh connections: within each user's burst allowance of 30.
  const fresh = async (phase: string, count: number) => {
    const sockets = [];
    for (let i = 0; i < Math.ceil(count / 25); i++) sockets.push(await openRoomSocket(stub, `bench-${phase}-${i}`));
    return sockets;
  };
  const sockets = await fresh("message", n);
  const before = await stub.stats();
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await sockets[Math.floor(i / 25)]?.send(`storage ${i}`, `s${i}`)) ?? 0);
  const after = await stub.stats();
  const perOperation: Record<string, ReturnType<typeof per>> = { message: per(before, after, n) };
  // Each kind over its own fresh connections (a user's allowance is shared by their sockets); ops on the first
  // 25 messages, made by those messages' authors where the kind needs it (edits, deletes).
  const k = Math.min(25, n);
  const authors = sockets[0];
  // Replies from their own users; reactions added, then removed by the same user (a removal by someone who did
  // not react changes nothing and writes nothing).
  const [replier] = await fresh("reply", k);
  const [reactor] = await fresh("reaction", k);
  const phases: Array<
    [
      string,
      Awaited<ReturnType<typeof openRoomSocket>> | undefined,
      (i: number, s: Awaited<ReturnType<typeof openRoomSocket>>) => Promise<number>,
    ]
  > = [
    ["reply", replier, (i, s) => s.send(`reply ${i}`, `r${i}`, { threadRootId: ids[i] })],
    [
      "reactionAdded",
      reactor,
      (i, s) => s.op(`ra${i}`, { type: "react", messageId: ids[i], emoji: "👍", add: true, opId: `ra${i}` }),
    ],
    [
      "reactionRemoved",
      reactor,
      (i, s) => s.op(`rr${i}`, { type: "react", messageId: ids[i], emoji: "👍", add: false, opId: `rr${i}` }),
    ],
  ];
  for (const [phase, s, run] of phases) {
    if (!s) continue;
    if (phase === "reactionRemoved") await new Promise((resolve) => setTimeout(resolve, 6_500));
    const b = await stub.stats();
    for (let i = 0; i < k; i++) await run(i, s);
    perOperation[phase] = per(b, await stub.stats(), k);
  }
  // Edits and deletes carry a reaction each, added by another user and not removed.
  const [other] = await fresh("other", k);
  for (let i = 0; i < k; i++)
    await other?.op(`o${i}`, { type: "react", messageId: ids[i], emoji: "🎉", add: true, opId: `o${i}` });
  // Edits and deletes by the author (the first connection sent the first 25 messages); a fresh allowance for it.
  if (authors) {
    authors.ws.close(1000, "done");
    // The author's allowance is per user and outlives their sockets: let it refill (30 at 5 a second) first.
    const refill = () => new Promise((resolve) => setTimeout(resolve, 6_500));
    await refill();
    const [author] = [await openRoomSocket(stub, "bench-message-0")];
    let b = await stub.stats();
    for (let i = 0; i < k; i++)
      await author.op(`e${i}`, { type: "edit", messageId: ids[i], text: `edited ${i}`, opId: `e${i}` });
    perOperation.edit = per(b, await stub.stats(), k);
    author.ws.close(1000, "done");
    await refill();
    const again = await openRoomSocket(stub, "bench-message-0");
    b = await stub.stats();
    for (let i = 0; i < k; i++) await again.op(`d${i}`, { type: "delete", messageId: ids[i], opId: `d${i}` });
    perOperation.delete = per(b, await stub.stats(), k);
    again.ws.close(1000, "done");
  }
  for (const { ws } of sockets) ws.close(1000, "done");
  return {
    messages: n,
    statementsPerMessage: perOperation.message?.statements,
    rowsReadPerMessage: perOperation.message?.rowsRead,
    rowsWrittenPerMessage: perOperation.message?.rowsWritten,
    perOperation,
    note: "as the Durable Object's SQLite API counts them; messages include retention, which runs every 100th message; a reply also notifies the root's author (a notification outbox row written and deleted once delivered); edits and deletes carry one reaction each",
  };
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** n sequential consume() calls on one key; storage work and latency sampled at checkpoints. */
async function limiterProfile(env: Env, checkpoints: number[]) {
  const stub = countedStub<CountingRateLimiter>(env.RATE_LIMITER, `bench-profile:${crypto.randomUUID()}`);
  const policy = { limit: 100_000, periodMs: 3_600_000 };
  const out = [];
  let done = 0;
  for (const target of checkpoints) {
    while (done < target - 10) {
      await stub.consume(policy);
      done++;
    }
    const before = await stub.stats();
    const started = performance.now();
    for (let i = 0; i < 10; i++) await stub.consume(policy);
    const elapsed = performance.now() - started;
    done += 10;
    const after = await stub.stats();
    out.push({
      requestsInWindow: done,
      statementsPerRequest: (after.statements - before.statements) / 10,
      rowsReadPerRequest: (after.rowsRead - before.rowsRead) / 10,
      rowsWrittenPerRequest: (after.rowsWritten - before.rowsWritten) / 10,
      storedRows: await stub.tableRows(),
      // workerd advances its clock only on I/O, so this is a coarse figure; the ratio across rows is what matters.
      msPerRequestMeasuredInWorker: elapsed / 10,
    });
  }
  return out;
}

/**
 * The floor for the rooms benchmark: a hibernating object that only relays. No auth, no validation, no
 * storage, no rate limit; it answers `welcome` and rebroadcasts each message's text to every socket.
 */
export class BareRoom extends DurableObject {
  override async fetch(): Promise<Response> {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].send('{"type":"welcome"}');
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(_ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const { text } = JSON.parse(String(data)) as { text: string };
    const frame = JSON.stringify({ type: "message", message: { text } });
    for (const socket of this.ctx.getWebSockets()) socket.send(frame);
  }
}

type BenchEnv = Env & { BARE_ROOM: DurableObjectNamespace<BareRoom> };

export default {
  async fetch(request: Request, env: BenchEnv, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/__bench/bare") return new Response("ok");
    const bare = /^\/__bench\/bare-room\/([a-z0-9-]+)\/ws$/.exec(url.pathname);
    if (bare?.[1]) return env.BARE_ROOM.get(env.BARE_ROOM.idFromName(bare[1])).fetch(request);
    if (url.pathname === "/__bench/floor") {
      // The guarded route's binding calls with nothing around them: one KV get, one Durable Object call.
      const token = request.headers.get("Authorization")?.slice(7) ?? "";
      const session = await env.SESSIONS.get(`s:${await sha256Hex(token)}`);
      const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName("floor:bench"));
      const result = await stub.consume(FLOOR_POLICY);
      return Response.json({ ok: session !== null && result.allowed });
    }
    if (url.pathname === "/__bench/limiter-profile") {
      const checkpoints = (url.searchParams.get("at") ?? "10,1000").split(",").map(Number);
      return Response.json(await limiterProfile(env, checkpoints));
    }
    if (url.pathname === "/__bench/room-storage") {
      return Response.json(await roomStorageProfile(env, Number(url.searchParams.get("messages") ?? 100)));
    }
    return outpost.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<BenchEnv>;

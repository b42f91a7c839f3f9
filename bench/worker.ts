// Benchmark entry: the real Outpost Worker plus reference routes, and a RateLimiter and ChatRoom that count
// their storage work. Built and run by the benchmarks (bench/lib.mjs) only; never deployed.
import { DurableObject } from "cloudflare:workers";
import { RateLimiter } from "@outpost/edge-kit/limiter";
import { ChatRoom, IDENTITY_HEADERS, ROOM_UPGRADE_URL } from "../src/features/rooms";
import outpost from "../src/index";

export { Counter, Metrics, UserStats } from "../src/index";
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
  const acks: Array<() => void> = [];
  const welcome = new Promise<void>((resolve) => {
    ws.addEventListener("message", (event) => {
      const frame = JSON.parse(String(event.data)) as { type: string };
      if (frame.type === "welcome") resolve();
      if (frame.type === "ack") acks.shift()?.();
    });
  });
  await welcome;
  const send = (text: string, clientMessageId: string) =>
    new Promise<void>((resolve) => {
      acks.push(resolve);
      ws.send(JSON.stringify({ type: "message", text, clientMessageId }));
    });
  return { ws, send };
}

/** Sends `n` messages into a fresh counted room over real WebSockets and reports the SQL work per message. */
async function roomStorageProfile(env: Env, n: number) {
  const stub = countedStub<CountingChatRoom>(env.CHAT_ROOM, `bench-storage:${crypto.randomUUID()}`);
  // 25 messages a connection: within each connection's burst allowance of 30, so every one is stored.
  const sockets = [];
  for (let i = 0; i < Math.ceil(n / 25); i++) sockets.push(await openRoomSocket(stub, `bench-user-${i}`));
  const before = await stub.stats();
  for (let i = 0; i < n; i++) await sockets[Math.floor(i / 25)]?.send(`storage ${i}`, `s${i}`);
  const after = await stub.stats();
  for (const { ws } of sockets) ws.close(1000, "done");
  return {
    messages: n,
    statementsPerMessage: (after.statements - before.statements) / n,
    rowsReadPerMessage: (after.rowsRead - before.rowsRead) / n,
    rowsWrittenPerMessage: (after.rowsWritten - before.rowsWritten) / n,
    note: "as the Durable Object's SQLite API counts them; includes retention, which runs every 100th message",
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

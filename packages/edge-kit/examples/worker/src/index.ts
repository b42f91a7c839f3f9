// The example Worker: four routes, each one kit module (limiter, SSE, KV cache-aside, feature flags).
import { type CacheEventKind, CacheService } from "@outpost/edge-kit/cache";
import { problemFromStatus, problemResponse } from "@outpost/edge-kit/errors";
import { FlagStore } from "@outpost/edge-kit/flags";
import { createRateLimiter } from "@outpost/edge-kit/limiter";
import { createSseStream, SSE_HEADERS } from "@outpost/edge-kit/sse";

// The Durable Object class must be exported by the Worker's entry module for wrangler.jsonc to bind it.
export { RateLimiter } from "@outpost/edge-kit/limiter";

/** A burst of 3 requests, then one more every 20 s (3 per minute). */
export const LIMIT_POLICY = { limit: 3, periodMs: 60_000 };

/** The events `GET /stream` sends before its final `done` event. */
export const STREAM_STEPS = ["connecting", "working", "finishing"];

/** Definitions are cached in this isolate for 10 s (FlagStore's default), so one store serves every request. */
let flagStore: FlagStore | undefined;

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const url = new URL(request.url);
    if (request.method !== "GET") return problemResponse(problemFromStatus(405), { Allow: "GET" });
    if (url.pathname === "/limited") return limited(request, env);
    if (url.pathname === "/stream") return stream(ctx);
    const cached = /^\/cached\/([a-z0-9-]{1,64})$/.exec(url.pathname);
    if (cached?.[1]) return cachedGreeting(cached[1], env);
    const flag = /^\/flag\/([^/]+)$/.exec(url.pathname);
    if (flag?.[1]) return evaluateFlagRoute(flag[1], url.searchParams.get("user"), env);
    return problemResponse(problemFromStatus(404));
  },
} satisfies ExportedHandler<Env>;

/** GET /limited: exact per-client limit in the RateLimiter Durable Object; 429 with Retry-After once spent. */
async function limited(request: Request, env: Env): Promise<Response> {
  const client = request.headers.get("CF-Connecting-IP") ?? "unknown";
  const limiter = createRateLimiter({ namespace: env.RATE_LIMITER, scope: "example" });
  const result = await limiter.consume(`ip:${client}`, LIMIT_POLICY);
  if (result.invalid) throw new Error(`rate limiter refused the call: invalid ${result.invalid}`);
  if (!result.allowed) {
    const retryAfter = String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
    return problemResponse(problemFromStatus(429, {}, `Try again in ${retryAfter} s`), { "Retry-After": retryAfter });
  }
  return Response.json({ ok: true, remaining: result.remaining });
}

/** GET /stream: SSE events produced after the response has started, then a terminal `done` event. */
function stream(ctx: ExecutionContext): Response {
  const { readable, writer } = createSseStream();
  const produce = async () => {
    for (const [index, step] of STREAM_STEPS.entries()) {
      // `send` resolves false once the client is gone: stop producing.
      if (!(await writer.send("progress", { step, index }))) return;
    }
    await writer.done({ steps: STREAM_STEPS.length });
  };
  ctx.waitUntil(produce());
  return new Response(readable, { headers: SSE_HEADERS });
}

/** GET /cached/:key: cache-aside over KV; the `X-Cache` header says whether the loader ran. */
async function cachedGreeting(key: string, env: Env): Promise<Response> {
  let outcome: CacheEventKind = "miss";
  // No `defer`: the write is awaited, so the very next request sees it (use `ctx.waitUntil` in production).
  const cache = new CacheService({
    kv: env.CACHE,
    namespace: "greetings",
    onEvent: (event) => {
      outcome = event.kind;
    },
  });
  const greeting = await cache.getOrSet(key, () => loadGreeting(key));
  const headers = { "X-Cache": outcome };
  if (greeting === null) return problemResponse(problemFromStatus(404, {}, `No greeting for ${key}`), headers);
  return Response.json(greeting, { headers });
}

/** The slow origin the cache sits in front of; keys starting with "missing" do not exist. */
async function loadGreeting(key: string): Promise<{ key: string; text: string; loadedAt: string } | null> {
  if (key.startsWith("missing")) return null;
  return { key, text: `Hello, ${key}!`, loadedAt: new Date().toISOString() };
}

/** GET /flag/:name?user=: the flag stored in KV, evaluated for one user (anonymous without `user`). */
async function evaluateFlagRoute(name: string, user: string | null, env: Env): Promise<Response> {
  flagStore ??= new FlagStore(env.CONFIG);
  const decision = await flagStore.evaluate(name, user ? { id: user } : null);
  return Response.json({ flag: name, user, ...decision });
}

// `npm run bench -- limits`: what session auth and rate limiting cost a route, and whether the limiter's
// storage work stays flat as a window fills. Writes bench/results/limits.json.
import path from "node:path";
import { load, machineInfo, registerAndSignIn, root, startDevServer, startMiniflare, writeReport } from "./lib.mjs";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BIG_LIMITS = JSON.stringify({
  api: { limit: 100_000, periodSeconds: 60 },
  auth: { limit: 1_000, periodSeconds: 60 },
  "login-account": { limit: 1_000, periodSeconds: 60 },
});

const signIn = (base) => registerAndSignIn(base, "Bench");

async function devServerFigures() {
  // The same generous limits as the Miniflare runs: with the defaults (600 a minute) almost every request
  // here would be a 429, and the figures would time refusals instead of the route.
  const { base, stop } = await startDevServer("limits", { vars: { RATE_LIMITS: BIG_LIMITS } });
  try {
    const { token } = await signIn(base);
    const auth = { authorization: `Bearer ${token}` };
    const requests = Math.min(REQUESTS, 5_000);
    return {
      via: "vite dev (npm run dev): @cloudflare/vite-plugin's proxy in front of workerd, LOG_LEVEL=info",
      status: await load(base, "/api/status", { requests, connections: CONNECTIONS }),
      guarded: await load(base, "/api/auth/session", { headers: auth, requests, connections: CONNECTIONS }),
    };
  } finally {
    stop();
  }
}

/**
 * Failed logins, an unknown email and a wrong password alternating (so neither gets the warmer runtime):
 * both must cost the same, one PBKDF2 each.
 */
async function loginTiming(base, knownEmail) {
  const unknownEmail = `nobody-${Date.now()}@example.com`;
  const samples = { unknown: [], known: [] };
  for (let i = 0; i < 80; i++) {
    const kind = i % 2 === 0 ? "unknown" : "known";
    const started = process.hrtime.bigint();
    const res = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": `192.0.2.${50 + (i % 100)}` },
      body: JSON.stringify({ email: kind === "unknown" ? unknownEmail : knownEmail, password: "definitely not it" }),
    });
    await res.arrayBuffer();
    if (res.status !== 401) throw new Error(`login timing: expected 401, got ${res.status}`);
    samples[kind].push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const p50 = (list) => {
    const sorted = [...list].sort((a, b) => a - b);
    return Math.round(sorted[Math.floor(sorted.length / 2)] * 100) / 100;
  };
  const unknownP50 = p50(samples.unknown);
  const knownP50 = p50(samples.known);
  return {
    samplesEach: 40,
    unknownEmailP50Ms: unknownP50,
    wrongPasswordP50Ms: knownP50,
    deltaP50Ms: Math.round((knownP50 - unknownP50) * 100) / 100,
  };
}

export async function run() {
  const { mf, url } = await startMiniflare({ RATE_LIMITS: BIG_LIMITS, LOG_LEVEL: "warn" });
  try {
    const { token, email } = await signIn(url);
    const auth = { authorization: `Bearer ${token}` };
    const opts = { requests: REQUESTS, connections: CONNECTIONS };
    const bare = await load(url, "/__bench/bare", opts);
    const floor = await load(url, "/__bench/floor", { ...opts, headers: auth });
    const guarded = await load(url, "/api/auth/session", { ...opts, headers: auth });
    const profile = await (await fetch(`${url}/__bench/limiter-profile?at=10,1000,100000`)).json();
    const ratio = (x, y) => Math.round((x / y) * 100) / 100;
    const report = {
      benchmark: "limits",
      date: new Date().toISOString(),
      machine: machineInfo(),
      via: "Miniflare programmatic API: requests go straight to workerd (no dev-server proxy); LOG_LEVEL=warn",
      load: { requests: REQUESTS, connections: CONNECTIONS },
      routes: {
        a_bare: { ...bare, what: "a route that returns a constant, no framework" },
        b_floor: {
          ...floor,
          what: "the guarded route's binding calls with nothing around them: 1 KV get + 1 RateLimiter call",
        },
        c_guarded: {
          ...guarded,
          what: "GET /api/auth/session: full middleware chain, session from KV, rate limit from the Durable Object",
        },
      },
      ratios: {
        throughput_c_over_a: ratio(guarded.requestsPerSecond, bare.requestsPerSecond),
        throughput_c_over_b: ratio(guarded.requestsPerSecond, floor.requestsPerSecond),
        p50_c_over_a: ratio(guarded.p50Ms, bare.p50Ms),
        p50_c_over_b: ratio(guarded.p50Ms, floor.p50Ms),
      },
      limiterPerRequest: profile,
      loginTiming: await loginTiming(url, email),
      devServer: process.env.BENCH_SKIP_DEV ? "skipped (BENCH_SKIP_DEV)" : await devServerFigures(),
    };
    const file = await writeReport("limits", report);
    console.log(JSON.stringify(report, null, 2));
    console.log(`report written to ${path.relative(root, file)}`);
  } finally {
    await mf.dispose();
  }
}

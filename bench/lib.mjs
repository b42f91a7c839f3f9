// Benchmark helpers: build the bench Worker, start it in Miniflare (workerd directly, no dev proxy),
// and drive load with a bounded number of requests.
import { mkdirSync, rmSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { Pool } from "undici";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { startDevServer as startSharedDevServer } from "../scripts/dev-server.mjs";

export const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, ".bench");

export async function buildWorkers() {
  mkdirSync(out, { recursive: true });
  const common = {
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["cloudflare:*", "node:*"],
    logLevel: "warning",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "import"],
  };
  await build({ ...common, entryPoints: [path.join(root, "bench/worker.ts")], outfile: path.join(out, "worker.mjs") });
  await build({
    ...common,
    entryPoints: [path.join(root, "src/unfurl/index.ts")],
    outfile: path.join(out, "unfurl.mjs"),
  });
}

/** Outpost's bindings from wrangler.jsonc, served by workerd through Miniflare's programmatic API. */
/**
 * @param {Record<string, string>} vars overrides of wrangler.jsonc vars
 * @param {{ countRoomStorage?: boolean, stateDir?: string }} options stateDir persists every local resource
 *   there, wiped first (default: Miniflare's own temporary directory under os.tmpdir())
 */
export async function startMiniflare(vars = {}, { countRoomStorage = false, stateDir } = {}) {
  await buildWorkers();
  const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(root, "wrangler.jsonc"));
  const {
    ai: _ai,
    assets: _assets,
    wrappedBindings: _wrapped,
    modulesRules: _rules,
    rootPath: _root,
    ...options
  } = workerOptions;
  // Miniflare 5 takes a new option shape; wrangler still produces the classic one, so convert.
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      ...(stateDir ? { resourcePersistencePath: stateDir } : {}),
      workers: [
        {
          ...options,
          name: "outpost",
          modules: true,
          scriptPath: path.join(out, "worker.mjs"),
          bindings: { ...options.bindings, ...vars },
          durableObjects: {
            ...options.durableObjects,
            RATE_LIMITER: { className: "CountingRateLimiter", useSQLite: true },
            ...(countRoomStorage ? { CHAT_ROOM: { className: "CountingChatRoom", useSQLite: true } } : {}),
            BARE_ROOM: { className: "BareRoom", useSQLite: true },
          },
        },
        {
          name: "outpost-unfurl",
          modules: true,
          scriptPath: path.join(out, "unfurl.mjs"),
          compatibilityDate: options.compatibilityDate,
          compatibilityFlags: options.compatibilityFlags,
        },
      ],
    }),
  );
  const url = await mf.ready;
  const db = await mf.getD1Database("DB");
  const dir = path.join(root, "migrations");
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort()) {
    const sql = await readFile(path.join(dir, file), "utf8");
    for (const statement of sql
      .split(/;\s*$/m)
      .map((s) => s.replace(/--.*$/gm, "").trim())
      .filter(Boolean)) {
      await db.prepare(statement).run();
    }
  }
  return { mf, url: url.toString().replace(/\/$/, "") };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Sends `requests` GETs (after `warmup`) with `connections` in flight, stopping early at `maxSeconds`.
 * Returns requests/s, p50/p99 latency in ms, and the status counts.
 */
export async function load(
  baseUrl,
  pathName,
  { headers = {}, requests = 20_000, warmup = 1_000, connections = 32, maxSeconds = 20 } = {},
) {
  const pool = new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 10_000 });
  const one = async () => {
    const started = process.hrtime.bigint();
    const res = await pool.request({ path: pathName, method: "GET", headers });
    await res.body.dump();
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, status: res.statusCode };
  };
  const run = async (count, record) => {
    let next = 0;
    const deadline = Date.now() + maxSeconds * 1000;
    const lane = async () => {
      while (next < count && Date.now() < deadline) {
        next++;
        const r = await one();
        record?.(r);
      }
    };
    await Promise.all(Array.from({ length: connections }, lane));
  };
  await run(warmup);
  const latencies = [];
  const statuses = {};
  const started = process.hrtime.bigint();
  await run(requests, (r) => {
    latencies.push(r.ms);
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const round = (x) => (x === null ? null : Math.round(x * 1000) / 1000);
  return {
    path: pathName,
    requests: latencies.length,
    seconds: round(seconds),
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    statuses,
  };
}

/** What a report says about the machine it ran on. */
export function machineInfo() {
  return {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}

export async function writeReport(name, report) {
  mkdirSync(path.join(root, "bench", "results"), { recursive: true });
  const file = path.join(root, "bench", "results", `${name}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** `npm run dev` as a user runs it, with its own state directory. */
export const startDevServer = (name, options) => startSharedDevServer(`bench-${name}`, options);

/** Registers an account and signs it in for a bearer token (as an API client would). */
export async function registerAndSignIn(base, label, ip = "192.0.2.10") {
  const email = `${label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = "a benchmark passphrase";
  const headers = { "Content-Type": "application/json", "CF-Connecting-IP": ip };
  const reg = await fetch(`${base}/api/auth/register`, {
    method: "POST",
    headers: { ...headers, Origin: base },
    body: JSON.stringify({ email, password, displayName: label }),
  });
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${await reg.text()}`);
  const login = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers,
    body: JSON.stringify({ email, password, transport: "bearer" }),
  });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  return { token: (await login.json()).token, email };
}

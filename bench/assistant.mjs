// `npm run bench -- assistant`: the assistant with the offline provider through `npm run dev`: time to first
// event, events per second per stream, 50 concurrent streams, and what a client's disconnect stops.
// Writes bench/results/assistant.json.
import os from "node:os";
import { startDevServer, writeReport } from "./lib.mjs";

const USERS = 10;
const CONCURRENT = 50;
const SEQUENTIAL = 20;

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null;
}
function countBy(items, key) {
  const counts = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
const round = (n) => (n === null ? null : Math.round(n * 10) / 10);

async function signUp(base, i) {
  const email = `assistant-bench-${Date.now()}-${i}@example.com`;
  const password = "a benchmark passphrase";
  const ip = `192.0.2.${100 + i}`;
  const headers = { "Content-Type": "application/json", "CF-Connecting-IP": ip };
  const reg = await fetch(`${base}/api/auth/register`, {
    method: "POST",
    headers: { ...headers, Origin: base },
    body: JSON.stringify({ email, password, displayName: `Bench ${i}` }),
  });
  if (reg.status !== 201) throw new Error(`register ${reg.status} ${await reg.text()}`);
  const login = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers,
    body: JSON.stringify({ email, password, transport: "bearer" }),
  });
  return { authorization: `Bearer ${(await login.json()).token}`, "CF-Connecting-IP": ip };
}

/** One question; returns time to first event, duration, events, whether it ended with done. */
async function ask(base, auth, question, { abortAfterFirst = false } = {}) {
  const controller = new AbortController();
  const started = performance.now();
  const res = await fetch(`${base}/api/assistant/chat`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ message: question }),
    signal: controller.signal,
  });
  if (res.status !== 200) return { status: res.status, done: false };
  const decoder = new TextDecoder();
  let buffer = "";
  let events = 0;
  let firstMs = null;
  let done = false;
  let abortedAt = null;
  try {
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true });
      const blocks = buffer.split("\n\n");
      buffer = blocks.pop() ?? "";
      for (const block of blocks) {
        if (!block.includes("event: ")) continue;
        events++;
        firstMs ??= performance.now() - started;
        if (block.includes("event: done")) done = true;
      }
      if (abortAfterFirst && events > 0) {
        abortedAt = Date.now();
        controller.abort();
        break;
      }
    }
  } catch {}
  const ms = performance.now() - started;
  return { status: 200, firstMs, ms, events, done, abortedAt };
}

async function prepare(base, auth) {
  const text =
    "The launch is on Tuesday after the review. Every team checks the launch list before Monday. " +
    "The press release goes out at nine; the demo follows at ten.";
  const up = await fetch(`${base}/api/files?name=launch-plan.txt`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "text/plain" },
    body: text,
  });
  const { id } = await up.json();
  for (let i = 0; i < 60; i++) {
    const file = await (await fetch(`${base}/api/files/${id}`, { headers: auth })).json();
    if (file.status === "ready") return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the benchmark file was never analysed");
}

/** Request ids of the disconnect round's chat requests (their access log lines come first). */
function disconnectIds(logs) {
  return new Set(logs.filter((l) => l.msg === "request" && l.path === "/api/assistant/chat").map((l) => l.requestId));
}

export async function run() {
  const server = await startDevServer("assistant");
  try {
    const { base } = server;
    const users = [];
    for (let i = 0; i < USERS; i++) users.push(await signUp(base, i));
    for (const auth of users) await prepare(base, auth);
    const question = "What did we decide about the launch and the press release?";

    const sequential = [];
    for (let i = 0; i < SEQUENTIAL; i++) sequential.push(await ask(base, users[0], question));
    const ok = sequential.filter((r) => r.done);

    const startedAll = performance.now();
    const concurrent = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => ask(base, users[1 + (i % (USERS - 1))], question)),
    );
    const wallMs = performance.now() - startedAll;

    const logStart = server.output().length;
    const disconnects = [];
    for (let i = 0; i < 10; i++)
      disconnects.push(await ask(base, users[USERS - 1], question, { abortAfterFirst: true }));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const logs = server
      .output()
      .slice(logStart)
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => {
        try {
          return JSON.parse(line);
        } catch {
          return null;
        }
      })
      .filter(Boolean);
    const detected = logs.filter((l) => l.msg === "assistant client disconnected");
    const answers = logs.filter(
      (l) => l.msg === "assistant answer" && l.requestId && disconnectIds(logs).has(l.requestId),
    );

    const report = {
      benchmark: "assistant",
      at: new Date().toISOString(),
      via: "vite dev (npm run dev): @cloudflare/vite-plugin's proxy in front of workerd; AI_PROVIDER=offline; client on the same machine",
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model },
      sequential: {
        streams: SEQUENTIAL,
        completed: ok.length,
        firstEventMs: {
          p50: round(
            percentile(
              ok.map((r) => r.firstMs),
              50,
            ),
          ),
          p99: round(
            percentile(
              ok.map((r) => r.firstMs),
              99,
            ),
          ),
        },
        streamMs: {
          p50: round(
            percentile(
              ok.map((r) => r.ms),
              50,
            ),
          ),
        },
        eventsPerStream: round(
          percentile(
            ok.map((r) => r.events),
            50,
          ),
        ),
        eventsPerSecondPerStream: round(
          percentile(
            ok.map((r) => r.events / (r.ms / 1000)),
            50,
          ),
        ),
      },
      concurrent: {
        streams: CONCURRENT,
        users: USERS - 1,
        completedWithDone: concurrent.filter((r) => r.done).length,
        statuses: countBy(concurrent, (r) => r.status),
        firstEventMs: {
          p50: round(
            percentile(
              concurrent.filter((r) => r.firstMs !== null).map((r) => r.firstMs),
              50,
            ),
          ),
          p99: round(
            percentile(
              concurrent.filter((r) => r.firstMs !== null).map((r) => r.firstMs),
              99,
            ),
          ),
        },
        wallMs: Math.round(wallMs),
      },
      disconnect: {
        streams: disconnects.length,
        note: "the client aborts right after its first event; the server notices at its next write (or heartbeat) and stops",
        serverNoticedDisconnect: detected.length,
        // Each detection paired with the latest client abort before it (same machine, same clock).
        abortToDetectionMs: detected.map((d) => {
          const at = Date.parse(d.time);
          const before = disconnects.map((r) => r.abortedAt).filter((t) => t !== null && t <= at + 5);
          return before.length ? at - Math.max(...before) : null;
        }),
        answersStoredAs: countBy(answers, (a) => a.status),
      },
    };
    console.log(JSON.stringify(report, null, 2));
    console.log(`wrote ${await writeReport("assistant", report)}`);
  } finally {
    server.stop();
  }
}

// `npm run bench -- rooms`: N clients in one room through the real dev server (`npm run dev`), steady and
// bursty traffic, and a capacity sweep at N = 200. Writes bench/results/rooms.json.
import os from "node:os";
import path from "node:path";
import { registerAndSignIn, root, startDevServer, startMiniflare, writeReport } from "./lib.mjs";

const USERS = 10;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function accounts(base) {
  const tokens = [];
  for (let i = 0; i < USERS; i++) tokens.push((await registerAndSignIn(base, `Bench ${i}`)).token);
  return tokens;
}

/** Opens `n` sockets (spread over the accounts) to `room`; resolves once every one has its welcome. */
async function openClients(base, tokens, room, n, onFrame) {
  const url = `${base.replace("http", "ws")}/api/rooms/${room}/ws`;
  return Promise.all(
    Array.from(
      { length: n },
      (_, i) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${tokens[i % tokens.length]}` } });
          const timer = setTimeout(() => reject(new Error("welcome timeout")), 30_000);
          ws.onmessage = (event) => {
            const frame = JSON.parse(event.data);
            if (frame.type === "welcome") {
              clearTimeout(timer);
              resolve(ws);
            }
            onFrame(i, frame);
          };
          ws.onerror = () => reject(new Error("socket error"));
        }),
    ),
  );
}

function percentile(sorted, p) {
  return sorted.length
    ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100
    : null;
}

/** One scenario: `rate` messages/s in total for `seconds` (or `burst` messages per client at once). */
async function scenario(base, tokens, { name, clients, rate = 0, seconds = 5, burst = 0 }) {
  const room = `bench-${name}-${Date.now()}`;
  const sent = new Map(); // text → { at, remaining }
  const latencies = [];
  let deliveries = 0;
  let refused = 0;
  let acks = 0;
  const onFrame = (_client, frame) => {
    if (frame.type === "message") {
      deliveries++;
      const entry = sent.get(frame.message.text);
      if (entry) {
        entry.remaining--;
        if (entry.remaining === 0) {
          latencies.push(performance.now() - entry.at);
          sent.delete(frame.message.text);
        }
      }
    } else if (frame.type === "ack") acks++;
    else if (frame.type === "error") refused++;
  };
  const sockets = await openClients(base, tokens, room, clients, onFrame);
  const send = (i, n) => {
    const text = `${name}:${i}:${n}`;
    // Every client including the sender receives the broadcast.
    sent.set(text, { at: performance.now(), remaining: clients });
    sockets[i].send(JSON.stringify({ type: "message", text, clientMessageId: `c${i}n${n}` }));
  };
  const started = performance.now();
  let count = 0;
  if (burst > 0) {
    for (let i = 0; i < clients; i++) for (let n = 0; n < burst; n++) send(i, n);
    count = clients * burst;
  } else {
    const interval = 1000 / rate;
    const end = started + seconds * 1000;
    let next = started;
    while (performance.now() < end) {
      send(count % clients, Math.floor(count / clients));
      count++;
      next += interval;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
    }
  }
  // Drain: wait until every message reached every client, or 10 s.
  const drainUntil = performance.now() + 10_000;
  while (sent.size > 0 && performance.now() < drainUntil) await sleep(20);
  const elapsed = (performance.now() - started) / 1000;
  for (const ws of sockets) ws.close();
  latencies.sort((a, b) => a - b);
  return {
    scenario: name,
    clients,
    offeredMessagesPerSecond: burst > 0 ? null : rate,
    burstPerClient: burst || null,
    messagesSent: count,
    messagesAcked: acks,
    messagesRefused: refused,
    messagesNotFullyDelivered: sent.size,
    deliveries,
    deliveriesPerSecond: Math.round(deliveries / elapsed),
    broadcastLatencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
    },
  };
}

export async function run() {
  const started = Date.now();
  // BENCH_VIA=miniflare serves workerd directly (no Vite proxy in front of the WebSockets), for comparison.
  const direct = process.env.BENCH_VIA === "miniflare";
  const { base, stop } = direct
    ? await startMiniflare({ LOG_LEVEL: "warn" }).then(({ mf, url }) => ({ base: url, stop: () => mf.dispose() }))
    : await startDevServer("rooms");
  try {
    const tokens = await accounts(base);
    const results = [];
    for (const spec of [
      { name: "n10-steady", clients: 10, rate: 20 },
      { name: "n50-steady", clients: 50, rate: 40 },
      { name: "n200-steady", clients: 200, rate: 40 },
      { name: "n200-burst", clients: 200, burst: 5 },
    ]) {
      results.push(await scenario(base, tokens, spec));
      console.log(JSON.stringify(results.at(-1)));
    }
    const sweep = [];
    for (const rate of [25, 50, 100, 200, 400]) {
      sweep.push(await scenario(base, tokens, { name: `sweep-${rate}`, clients: 200, rate, seconds: 4 }));
      console.log(JSON.stringify(sweep.at(-1)));
      if ((sweep.at(-1).broadcastLatencyMs.p99 ?? 0) > 1_000) break;
    }
    const report = {
      benchmark: "rooms",
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
      },
      via: direct
        ? "Miniflare's programmatic API (workerd directly, no Vite proxy), WebSocket clients in one Node process on the same machine"
        : "npm run dev (Vite + @cloudflare/vite-plugin, workerd), WebSocket clients in one Node process on the same machine",
      notes: [
        "Latency: from send until every client in the room (sender included) has the broadcast.",
        "Accounts: 10 users, sockets spread over them (sign-in is limited to 30 per minute per IP).",
        "Storage: one INSERT per stored message (one row plus its index entry); not measured here.",
      ],
      scenarios: results,
      capacitySweepN200: sweep,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    const file = await writeReport(direct ? "rooms-miniflare" : "rooms", report);
    console.log(`report written to ${path.relative(root, file)} in ${report.seconds} s`);
  } finally {
    stop();
  }
}

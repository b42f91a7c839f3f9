// `npm run bench -- rooms`: N clients in one room through the real dev server (`npm run dev`), steady and
// bursty traffic, and a capacity sweep at N = 200. Writes bench/results/rooms.json.
// BENCH_VIA=miniflare runs the same against workerd directly (no Vite proxy); BENCH_ONLY=name,name picks scenarios.
import path from "node:path";
import WebSocket from "ws";
import { machineInfo, registerAndSignIn, root, startDevServer, startMiniflare, writeReport } from "./lib.mjs";
import { cpuSpent, treeCpuSecondsByName } from "./proc.mjs";

// One account per socket: the room's message allowance is per user (across that user's sockets), so sockets
// sharing accounts would be refused at rates a room of 200 people sends without trouble.
const USERS = 200;
/** Sign-in is limited to 30 a minute per IP: each group of 10 accounts registers and signs in from its own. */
const USERS_PER_IP = 10;
const DRAIN_MS = 10_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function accounts(base) {
  const tokens = [];
  for (let i = 0; i < USERS; i += 8) {
    const batch = Array.from({ length: Math.min(8, USERS - i) }, (_, j) => i + j);
    const made = await Promise.all(
      batch.map((n) => registerAndSignIn(base, `Bench ${n}`, `192.0.2.${10 + Math.floor(n / USERS_PER_IP)}`)),
    );
    tokens.push(...made.map((account) => account.token));
  }
  return tokens;
}

/** Opens `n` sockets (spread over the accounts) to `room`; resolves once every one has its welcome. */
async function openClients(base, tokens, room, n, onFrame, deflate = false, bare = false) {
  const url = `${base.replace("http", "ws")}${bare ? `/__bench/bare-room/${room}/ws` : `/api/rooms/${room}/ws`}`;
  const open = (i) =>
    new Promise((resolve, reject) => {
      // `ws` rather than Node's built-in WebSocket: the client must cost less than the room it measures.
      // permessage-deflate only when a scenario asks for it (to show what the dev server's proxy pays).
      const ws = new WebSocket(url, {
        headers: { Authorization: `Bearer ${tokens[i % tokens.length]}`, Origin: base },
        perMessageDeflate: deflate,
      });
      const timer = setTimeout(() => reject(new Error("welcome timeout")), 30_000);
      ws.on("message", (data) => {
        const frame = JSON.parse(data.toString());
        if (frame.type === "welcome") {
          clearTimeout(timer);
          ws.you = frame.you;
          resolve(ws);
          return;
        }
        onFrame(i, frame);
      });
      ws.on("error", (error) => reject(error));
    });
  const sockets = [];
  // Twenty handshakes at a time: a connection storm is not what this measures.
  for (let i = 0; i < n; i += 20) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(20, n - i) }, (_, k) => open(i + k)))));
  }
  return sockets;
}

function percentile(sorted, p) {
  return sorted.length
    ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100
    : null;
}

const EMOJI = ["👍", "🎉", "❤️", "😂", "👀", "🚀"];

/**
 * One scenario: `rate` messages/s in total for `seconds`, spread round-robin over the clients, or `burst`
 * messages from every client at once. Latency runs from send until every *other* client has the message.
 * `mixed`: every third operation is a reaction (toggled on a recent message) or an edit (of the sender's own
 * newest message), alternately; their latency runs until every other client has the `event` frame.
 */
async function scenario(
  base,
  tokens,
  serverPid,
  { name, clients, rate = 0, seconds = 5, burst = 0, deflate = false, bare = false, mixed = false },
) {
  const room = `bench-${name}-${Date.now()}`;
  const pending = new Map(); // text → { at, remaining }
  const latencies = [];
  let deliveries = 0;
  let refused = 0;
  let otherErrors = 0;
  let acks = 0;
  let frames = 0;
  const onMessage = (client, message) => {
    deliveries++;
    const entry = pending.get(message.text);
    if (entry && entry.sender !== client) {
      entry.remaining--;
      if (entry.remaining === 0) {
        latencies.push(performance.now() - entry.at);
        pending.delete(message.text);
      }
    }
  };
  const eventLatencies = [];
  let eventsSent = 0;
  let events = 0;
  const recent = [];
  const own = new Map(); // client → its newest acknowledged message id
  const onEvent = (client, event) => {
    events++;
    const key =
      event.kind === "edit"
        ? `edit:${event.messageId}:${event.text}`
        : event.kind === "reaction"
          ? `react:${event.messageId}:${event.emoji}:${event.member.userId}:${event.added}`
          : null;
    const entry = key && pending.get(key);
    if (entry && entry.sender !== client) {
      entry.remaining--;
      if (entry.remaining === 0) {
        eventLatencies.push(performance.now() - entry.at);
        pending.delete(key);
      }
    }
  };
  const onFrame = (client, frame) => {
    if (frame.type === "event") onEvent(client, frame.event);
    else if (frame.type === "done") acks++;
    else if (frame.type === "message") {
      frames++;
      onMessage(client, frame.message);
    } else if (frame.type === "messages") {
      // A busy room coalesces broadcasts: one frame, several messages, each one delivery.
      frames++;
      for (const message of frame.messages) onMessage(client, message);
    } else if (frame.type === "ack") {
      acks++;
      if (mixed) {
        own.set(client, frame.id);
        recent.push(frame.id);
        if (recent.length > 50) recent.shift();
      }
    } else if (frame.type === "error") {
      if (frame.code === "rate-limited") refused++;
      else otherErrors++;
    }
  };
  const sockets = await openClients(base, tokens, room, clients, onFrame, deflate, bare);
  await sleep(200);
  const reacted = new Set();
  let op = 0;
  const send = (i, n) => {
    op++;
    if (mixed && op % 3 === 0) {
      // Alternately a reaction toggle on a recent message and an edit of the sender's own newest message.
      const mine = own.get(i);
      // A client with no message of its own yet reacts instead of editing: a third of the operations stay events.
      if ((op % 6 === 0 || mine === undefined) && recent.length > 0) {
        const messageId = recent[Math.floor(Math.random() * recent.length)];
        const emoji = EMOJI[n % EMOJI.length];
        const mark = `${i}:${messageId}:${emoji}`;
        const add = !reacted.has(mark);
        if (add) reacted.add(mark);
        else reacted.delete(mark);
        const key = `react:${messageId}:${emoji}:${sockets[i].you.userId}:${add}`;
        pending.set(key, { at: performance.now(), remaining: clients - 1, sender: i });
        eventsSent++;
        sockets[i].send(JSON.stringify({ type: "react", messageId, emoji, add, opId: `r${i}n${n}` }));
        return;
      }
      if (mine !== undefined) {
        const text = `${name}:${i}:${n}:edited`;
        pending.set(`edit:${mine}:${text}`, { at: performance.now(), remaining: clients - 1, sender: i });
        eventsSent++;
        sockets[i].send(JSON.stringify({ type: "edit", messageId: mine, text, opId: `e${i}n${n}` }));
        return;
      }
    }
    const text = `${name}:${i}:${n}`;
    pending.set(text, { at: performance.now(), remaining: clients - 1, sender: i });
    sockets[i].send(JSON.stringify({ type: "message", text, clientMessageId: `c${i}n${n}` }));
  };
  const cpuBefore = serverPid ? treeCpuSecondsByName(serverPid) : {};
  const clientCpuBefore = process.cpuUsage();
  const started = performance.now();
  let count = 0;
  if (burst > 0) {
    for (let n = 0; n < burst; n++) for (let i = 0; i < clients; i++) send(i, n);
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
  const sendingSeconds = (performance.now() - started) / 1000;
  const drainUntil = performance.now() + DRAIN_MS;
  while (pending.size > 0 && performance.now() < drainUntil) await sleep(5);
  const elapsed = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpu = serverPid ? cpuSpent(cpuBefore, treeCpuSecondsByName(serverPid)) : {};
  for (const ws of sockets) ws.terminate();
  latencies.sort((a, b) => a - b);
  eventLatencies.sort((a, b) => a - b);
  // Each client allows a burst of 30, then 5 a second: everything here is within allowance except where the
  // per-client rate (rate / clients) passes 5 a second after the first 30.
  const perClientRate = burst > 0 ? null : rate / clients;
  return {
    scenario: name,
    clients,
    permessageDeflate: deflate,
    bareRoom: bare,
    offeredMessagesPerSecond: burst > 0 ? null : rate,
    perClientMessagesPerSecond: perClientRate,
    burstPerClient: burst || null,
    withinAllowance: burst > 0 ? burst <= 30 : perClientRate <= 5 || count / clients <= 30,
    messagesSent: count,
    messagesAcked: acks,
    messagesRefused: refused,
    otherErrors,
    messagesNotDeliveredToAll: [...pending.keys()].filter((k) => k.startsWith(`${name}:`)).length,
    deliveries,
    messageFrames: frames,
    // Deliveries over the time from the first send until the last delivery (or the drain deadline).
    deliveriesPerSecond: Math.round(deliveries / elapsed),
    sendingSeconds: Math.round(sendingSeconds * 100) / 100,
    broadcastLatencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
    cpuSeconds: {
      benchClient: Math.round(((clientCpu.user + clientCpu.system) / 1e6) * 100) / 100,
      ...serverCpu,
    },
    ...(mixed
      ? {
          eventsSent,
          eventDeliveries: events,
          eventsNotDeliveredToAll: [...pending.keys()].filter((k) => !k.startsWith(name)).length,
          eventLatencyMs: {
            p50: percentile(eventLatencies, 50),
            p95: percentile(eventLatencies, 95),
            p99: percentile(eventLatencies, 99),
            max: percentile(eventLatencies, 100),
          },
        }
      : {}),
    wallSeconds: Math.round(elapsed * 100) / 100,
  };
}

const SCENARIOS = [
  { name: "n10-steady", clients: 10, rate: 20 },
  { name: "n10-burst", clients: 10, burst: 20 },
  { name: "n50-steady", clients: 50, rate: 40 },
  { name: "n50-burst", clients: 50, burst: 10 },
  { name: "n200-steady", clients: 200, rate: 40 },
  // Issue 14: 40 operations/s of which a third are reactions and edits; plain messages' latency is reported
  // apart, to compare with n200-steady in the same run.
  { name: "n200-mixed", clients: 200, rate: 40, seconds: 10, mixed: true },
  { name: "n200-steady-again", clients: 200, rate: 40, seconds: 10 },
  { name: "n200-burst", clients: 200, burst: 5 },
];
/**
 * Direct runs only: the same load with the client offering permessage-deflate, as the Vite plugin's proxy
 * always does towards workerd, to show what per-frame compression costs.
 */
const DEFLATE_SCENARIOS = [
  { name: "n200-steady-deflate", clients: 200, rate: 40, deflate: true },
  // The floor: the same load on a bare relaying object (bench/worker.ts BareRoom), none of Outpost's work.
  { name: "n200-steady-bare-room", clients: 200, rate: 40, bare: true },
];
const SWEEP = [25, 50, 100, 200, 400];

/** Storage work per stored message, counted by the bench Worker's instrumented ChatRoom (Miniflare only). */
export async function storagePerMessage() {
  const { mf, url } = await startMiniflare({ LOG_LEVEL: "warn" }, { countRoomStorage: true });
  try {
    const res = await fetch(`${url}/__bench/room-storage?messages=200`);
    if (!res.ok) throw new Error(`room-storage: ${res.status} ${await res.text()}`);
    return await res.json();
  } finally {
    await mf.dispose();
  }
}

export async function run() {
  const started = Date.now();
  const direct = process.env.BENCH_VIA === "miniflare";
  // BENCH_SEND_BUDGET overrides ROOM_SEND_BUDGET, to compare budgets.
  const vars = {
    LOG_LEVEL: "warn",
    ...(process.env.BENCH_SEND_BUDGET ? { ROOM_SEND_BUDGET: process.env.BENCH_SEND_BUDGET } : {}),
  };
  const only = process.env.BENCH_ONLY?.split(",");
  const { base, stop, pid } = direct
    ? await startMiniflare(vars, { stateDir: process.env.BENCH_STATE_DIR }).then(({ mf, url }) => ({
        base: url,
        stop: () => mf.dispose(),
        pid: process.pid,
      }))
    : await startDevServer("rooms", { vars, stateDir: process.env.BENCH_STATE_DIR });
  const results = [];
  const sweep = [];
  try {
    const tokens = await accounts(base);
    const specs = direct ? [...SCENARIOS, ...DEFLATE_SCENARIOS] : SCENARIOS;
    for (const spec of specs.filter((s) => !only || only.includes(s.name))) {
      results.push(await scenario(base, tokens, pid, spec));
      console.log(JSON.stringify(results.at(-1)));
    }
    for (const rate of SWEEP) {
      if (only && !only.includes(`sweep-${rate}`) && !only.includes("sweep")) continue;
      sweep.push(await scenario(base, tokens, pid, { name: `sweep-${rate}`, clients: 200, rate, seconds: 4 }));
      console.log(JSON.stringify(sweep.at(-1)));
      if ((sweep.at(-1).broadcastLatencyMs.p99 ?? 0) > 1_000) break;
    }
  } finally {
    await stop();
  }
  const storage = only && !only.includes("storage") ? null : await storagePerMessage();
  const report = {
    benchmark: "rooms",
    date: new Date().toISOString(),
    machine: machineInfo(),
    via: direct
      ? "Miniflare's programmatic API (workerd directly, no Vite proxy), LOG_LEVEL=warn; clients (ws) in one Node process on the same machine"
      : "npm run dev (Vite + @cloudflare/vite-plugin, workerd), LOG_LEVEL=warn; clients (ws) in one Node process on the same machine",
    roomSendBudget: vars.ROOM_SEND_BUDGET ?? "as configured in wrangler.jsonc",
    stateDir: process.env.BENCH_STATE_DIR ?? "default (on disk)",
    notes: [
      "Latency: from send until every other client in the room has the broadcast.",
      "Accounts: 200 users, one per socket (the message allowance is per user); 10 accounts per client IP, as sign-in is limited to 30 per minute per IP.",
      "Allowance: 30 messages at once per connection, then 5 a second; messagesRefused counts rate-limited refusals.",
      "cpuSeconds: CPU used during the scenario by the bench client and by each program of the server.",
    ],
    scenarios: results,
    capacitySweepN200: sweep,
    storagePerMessage: storage,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  const file = await writeReport(`${direct ? "rooms-miniflare" : "rooms"}${only ? "-partial" : ""}`, report);
  console.log(`report written to ${path.relative(root, file)} in ${report.seconds} s`);
}

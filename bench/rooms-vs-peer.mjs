// `npm run bench -- rooms-vs-peer`: Outpost's room side by side with cloudflare/workers-chat-demo (unmodified, in
// ../shared/peers/), both served by the same `wrangler dev --local` binary (Outpost's own), driven by the same load
// client (../shared/bench/ws-broadcast.mjs) with one adapter per room, runs interleaved (the order alternates per
// repetition). Then the same paced load through `npm run dev`, to compare the dev server's path with wrangler dev.
// Writes bench/results/rooms-vs-peer.json with both rooms' figures, their ratios and each target's verdict.
//   BENCH_REPS=n (default 1)  BENCH_ONLY=scenario,scenario  OUTPOST_SHARED=dir (default ../shared)
//   BENCH_OUTPOST_VARS='{"ROOM_SEND_BUDGET":"5000"}'  vars for Outpost's wrangler dev (to compare configurations)
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { machineInfo, registerAndSignIn, root, startDevServer, writeReport } from "./lib.mjs";
import { treeCpuSecondsByName } from "./proc.mjs";
import { storagePerMessage } from "./rooms.mjs";

const shared = process.env.OUTPOST_SHARED ?? path.resolve(root, "..", "shared");
const instruments = path.join(shared, "bench");
const peerDir = path.join(shared, "peers", "workers-chat-demo");
const bin = path.join(root, "node_modules", ".bin");
const REPS = Number(process.env.BENCH_REPS ?? 1);
const ONLY = process.env.BENCH_ONLY?.split(",");
const PORTS = { demo: 18787, outpost: 18791 };
/** With BENCH_PROFILE=1, each side also runs n200-r40 once more under the V8 sampling profiler (not measured). */
const PROFILE = process.env.BENCH_PROFILE === "1";
const INSPECTOR_PORTS = { demo: 19787, outpost: 19791 };
const ACCOUNTS = 200;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The scenarios of issue 16: `sweep` runs are one capacity sweep, read together. */
const SCENARIOS = [
  { name: "n200-r40", clients: 200, rate: 40, duration: 12, warmup: 2, drain: 5 },
  { name: "n200-r100", clients: 200, rate: 100, duration: 6, warmup: 1, drain: 10 },
  { name: "n50-r10", clients: 50, rate: 10, duration: 12, warmup: 2, drain: 5 },
  ...[150, 200, 300, 400].map((rate) => ({
    name: `sweep-r${rate}`,
    sweep: true,
    clients: 200,
    rate,
    duration: 4,
    warmup: 0,
    drain: 10,
  })),
];

function version(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8")).version;
  } catch {
    return "unknown";
  }
}

/** `wrangler dev --local` in its own process group (so stopping it ends workerd too). */
async function startWrangler(cwd, port, args, log) {
  const child = spawn(
    path.join(bin, "wrangler"),
    ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--log-level", "warn", ...args],
    {
      cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    },
  );
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return { pid: child.pid, stop };
    } catch {
      await sleep(500);
    }
  }
  stop();
  writeFileSync(log, output);
  throw new Error(`wrangler dev on ${port} did not start; see ${log}`);
}

async function accounts(base, file) {
  const tokens = [];
  for (let i = 0; i < ACCOUNTS; i += 8) {
    const batch = Array.from({ length: Math.min(8, ACCOUNTS - i) }, (_, j) => i + j);
    // Sign-in is limited per IP: ten accounts per address.
    const made = await Promise.all(
      batch.map((n) => registerAndSignIn(base, `Peer ${n}`, `198.51.100.${1 + Math.floor(n / 10)}`)),
    );
    tokens.push(...made.map((account) => account.token));
  }
  writeFileSync(file, JSON.stringify(tokens));
}

/** The server's CPU seconds (workerd: wrangler's proxy runtime and the Worker's runtime), sampled every 100 ms. */
function sampleCpu(serverPid) {
  const samples = [];
  const take = () => samples.push([Date.now(), treeCpuSecondsByName(serverPid).workerd ?? 0]);
  take();
  const timer = setInterval(take, 100);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** CPU seconds between two wall-clock times, interpolated between the samples around them. */
function cpuBetween(samples, from, to) {
  const at = (t) => {
    for (let i = 1; i < samples.length; i++) {
      const [t1, c1] = samples[i];
      const [t0, c0] = samples[i - 1];
      if (t1 >= t) return t1 === t0 ? c1 : c0 + ((c1 - c0) * (t - t0)) / (t1 - t0);
    }
    return samples.at(-1)[1];
  };
  return at(to) - at(from);
}

/** One run of the shared load client; returns its figures plus the server's CPU per message while sending. */
async function loadRun(stage, who, scenario, { url, adapterOpts, serverPid }, out) {
  const adapter = who === "demo" ? "demo-timed.mjs" : "outpost-accounts.mjs";
  const stamp = `${scenario.name}-${who}-${Date.now()}`;
  const json = path.join(out, `${stamp}.json`);
  const times = path.join(out, `${stamp}.times.json`);
  const args = [
    path.join(stage, "ws-broadcast.mjs"),
    ...["--url", url, "--adapter", path.join(stage, adapter), "--clients", String(scenario.clients)],
    ...["--rate", String(scenario.rate), "--duration", String(scenario.duration)],
    ...["--warmup", String(scenario.warmup), "--drain", String(scenario.drain), "--quiet", "--json", json],
    ...Object.entries({ ...adapterOpts, times }).flatMap(([k, v]) => ["--opt", `${k}=${v}`]),
  ];
  const sampler = sampleCpu(serverPid);
  const child = spawn(path.join(bin, "node"), args, { cwd: stage, stdio: ["ignore", "pipe", "inherit"] });
  let line = "";
  child.stdout.on("data", (d) => (line += d));
  const killer = setTimeout(() => child.kill("SIGKILL"), 180_000);
  await new Promise((resolve) => child.once("exit", resolve));
  clearTimeout(killer);
  const samples = sampler.stop();
  console.log(`[${scenario.name} ${who}] ${line.trim()}`);
  const result = JSON.parse(readFileSync(json, "utf8"));
  const sending = JSON.parse(readFileSync(times, "utf8"));
  const L = result.latencyMs.broadcastAll;
  const accepted = result.totals.accepted;
  // While sending, the server's CPU per second over messages per second: what one message costs, fan-out included.
  const window = (sending.last - sending.first) / 1000;
  const cpuPerSecond = window > 1 ? cpuBetween(samples, sending.first, sending.last) / window : null;
  return {
    p50: L.p50,
    p95: L.p95,
    p99: L.p99,
    max: L.max,
    sent: result.totals.sent,
    accepted,
    refused: result.totals.rejected,
    lost: result.totals.lost,
    incomplete: result.totals.incompleteDeliveries,
    duplicates: result.totals.dupes,
    deliveriesPerSecond: Math.round(result.throughput.deliveredMsgsPerSDuringSend),
    clientCpuPercent: Math.round(result.client.cpuPctOfOneCore),
    sending,
    serverCpuPercentWhileSending: cpuPerSecond === null ? null : Math.round(cpuPerSecond * 100),
    serverCpuMicrosPerMessage:
      cpuPerSecond === null ? null : Math.round((cpuPerSecond * 1e6) / (sending.count / window)),
  };
}

/** Starts V8's sampling profiler in the runtime that runs `script` (wrangler dev's inspector proxy). */
async function startProfile(port, script) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target = targets.find((t) => t.title?.includes(script)) ?? targets[0];
  const { default: WebSocket } = await import("ws");
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let id = 0;
  const waiting = new Map();
  ws.on("message", (data) => {
    const message = JSON.parse(data.toString());
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  const call = (method, params = {}) =>
    new Promise((resolve) => {
      waiting.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 100 });
  await call("Profiler.start");
  // The profile's clock is the runtime's monotonic one: this pairs its start with the wall clock (±1 ms).
  const startedAt = Date.now();
  return {
    async stop() {
      const { result } = await call("Profiler.stop");
      ws.close();
      return { ...result.profile, startedAt };
    },
  };
}

/**
 * Self time by function (V8 CPU profile) while the client was sending, per message sent: where one message's time
 * in the runtime's thread goes. Connecting and draining are left out.
 */
function summariseProfile(profile, { first, last, count }) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  let at = profile.startTime;
  const from = (first - profile.startedAt) * 1000 + profile.startTime;
  const to = (last - profile.startedAt) * 1000 + profile.startTime;
  const messages = count;
  profile.samples.forEach((sample, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < from || at > to) return;
    const frame = nodes.get(sample).callFrame;
    total += dt;
    const where = frame.url ? ` ${frame.url.split("/").slice(-1)[0]}:${frame.lineNumber + 1}` : "";
    const key = `${frame.functionName || "(anonymous)"}${where}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const busy = total - (self.get("(idle)") ?? 0);
  return {
    note: "V8 sampling profile of the runtime's isolate during the run (100 µs interval); native work called from JavaScript (ws.send, SQLite) counts as the calling builtin's self time.",
    sampledMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    busyMicrosPerMessage: messages ? Math.round(busy / messages) : null,
    top: [...self.entries()]
      .filter(([key]) => key !== "(idle)")
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([fn, micros]) => ({
        fn,
        microsPerMessage: messages ? Math.round((micros / messages) * 10) / 10 : null,
        share: Math.round((micros / busy) * 1000) / 10,
      })),
  };
}

const median = (values) => {
  const sorted = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round(((sorted[mid - 1] + sorted[mid]) / 2) * 1000) / 1000;
};
const ratio = (a, b) => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 100) / 100);

/** The median of each figure over the repetitions (refusals and losses: the worst run). */
function summarise(runs) {
  const pick = (key) => median(runs.map((run) => run[key]));
  const worst = (key) => Math.max(...runs.map((run) => run[key]));
  return {
    p50: pick("p50"),
    p95: pick("p95"),
    p99: pick("p99"),
    deliveriesPerSecond: pick("deliveriesPerSecond"),
    serverCpuMicrosPerMessage: pick("serverCpuMicrosPerMessage"),
    refused: worst("refused"),
    lost: worst("lost"),
    incomplete: worst("incomplete"),
    duplicates: worst("duplicates"),
    runs,
  };
}

function verdicts(table, dev, storage) {
  const at = (name) => table.find((row) => row.scenario === name);
  const targets = [];
  for (const name of ["n200-r40", "n200-r100"]) {
    const row = at(name);
    if (!row) continue;
    targets.push({
      target: `${name}: Outpost p99 below the demo's, p50 at most 1.1× the demo's`,
      outpost: { p50: row.outpost.p50, p99: row.outpost.p99 },
      demo: { p50: row.demo.p50, p99: row.demo.p99 },
      met: row.outpost.p99 < row.demo.p99 && row.outpost.p50 <= 1.1 * row.demo.p50,
    });
  }
  const small = at("n50-r10");
  if (small) {
    targets.push({
      target: "n50-r10: Outpost p99 below the demo's",
      outpost: { p99: small.outpost.p99 },
      demo: { p99: small.demo.p99 },
      met: small.outpost.p99 < small.demo.p99,
    });
  }
  const sweep = table.filter((row) => row.scenario.startsWith("sweep-"));
  if (sweep.length) {
    // Each side's best deliveries/s among the rates where its p99 stayed within 100 ms.
    const best = (side) =>
      Math.max(
        0,
        ...sweep
          .filter((row) => row[side].p99 !== null && row[side].p99 <= 100)
          .map((r) => r[side].deliveriesPerSecond),
      );
    const refused = Math.max(...sweep.map((row) => row.outpost.refused));
    targets.push({
      target:
        "sweep 150→400 msg/s: 0 refused within allowance; best deliveries/s (p99 ≤ 100 ms) at least 1.5× the demo's",
      outpost: { bestDeliveriesPerSecond: best("outpost"), refused },
      demo: { bestDeliveriesPerSecond: best("demo"), refused: Math.max(...sweep.map((row) => row.demo.refused)) },
      met: refused === 0 && best("outpost") >= 1.5 * best("demo"),
    });
  }
  if (dev && at("n200-r40")) {
    targets.push({
      target: "npm run dev: p99 at 200 clients and 40 msg/s within 2× of the wrangler dev figure",
      dev: { p50: dev.p50, p99: dev.p99 },
      wranglerDev: { p50: at("n200-r40").outpost.p50, p99: at("n200-r40").outpost.p99 },
      met: dev.p99 <= 2 * at("n200-r40").outpost.p99,
    });
  }
  if (storage) {
    targets.push({
      target: "rows written per message: at most 2",
      outpost: { rowsWrittenPerMessage: storage.rowsWrittenPerMessage },
      met: storage.rowsWrittenPerMessage <= 2,
    });
  }
  return targets;
}

export async function run() {
  const started = Date.now();
  if (!existsSync(path.join(instruments, "ws-broadcast.mjs")) || !existsSync(path.join(peerDir, "wrangler.toml"))) {
    throw new Error(`the shared instruments and the peer are expected in ${shared} (set OUTPOST_SHARED)`);
  }
  // wrangler dev serves the built UI as assets: build it once if this checkout has not.
  if (!existsSync(path.join(root, "dist", "client"))) {
    execFileSync(path.join(bin, "vite"), ["build"], { cwd: root, stdio: "ignore" });
  }
  const work = mkdtempSync(path.join(os.tmpdir(), "rooms-vs-peer-"));
  const stage = path.join(work, "client");
  mkdirSync(stage);
  cpSync(path.join(instruments, "ws-broadcast.mjs"), path.join(stage, "ws-broadcast.mjs"));
  cpSync(path.join(instruments, "adapters"), path.join(stage, "adapters"), { recursive: true });
  for (const file of ["outpost-accounts.mjs", "demo-timed.mjs", "timed.mjs"]) {
    cpSync(path.join(import.meta.dirname, "peer", file), path.join(stage, file));
  }
  symlinkSync(path.join(root, "node_modules"), path.join(stage, "node_modules"));
  // The demo runs from a writable copy (wrangler writes .wrangler/ beside its configuration).
  const demoCopy = path.join(work, "demo");
  cpSync(peerDir, demoCopy, { recursive: true });
  const outpostState = path.join(work, "outpost-state");
  execFileSync(
    path.join(bin, "wrangler"),
    ["d1", "migrations", "apply", "DB", "--local", "--persist-to", outpostState],
    {
      cwd: root,
      stdio: "ignore",
    },
  );
  const overrides = JSON.parse(process.env.BENCH_OUTPOST_VARS ?? "{}");
  const varArgs = Object.entries({ LOG_LEVEL: "warn", ...overrides }).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const servers = [];
  const table = [];
  let dev = null;
  const profiles = {};
  try {
    const inspect = (who) => (PROFILE ? ["--inspector-port", String(INSPECTOR_PORTS[who])] : []);
    const demo = await startWrangler(
      demoCopy,
      PORTS.demo,
      ["--persist-to", path.join(work, "demo-state"), ...inspect("demo")],
      path.join(work, "demo.log"),
    );
    servers.push(demo);
    const outpost = await startWrangler(
      root,
      PORTS.outpost,
      [
        "-c",
        "wrangler.jsonc",
        "-c",
        "src/unfurl/wrangler.jsonc",
        "--persist-to",
        outpostState,
        ...varArgs,
        ...inspect("outpost"),
      ],
      path.join(work, "outpost.log"),
    );
    servers.push(outpost);
    const tokens = path.join(stage, "tokens.json");
    await accounts(`http://127.0.0.1:${PORTS.outpost}`, tokens);
    const sides = {
      demo: {
        url: `ws://127.0.0.1:${PORTS.demo}/api/room/{room}/websocket`,
        // Each client its own address, so the demo's per-IP limiter is per client, as Outpost's allowance is per user.
        adapterOpts: { ip: "per-client" },
        serverPid: demo.pid,
      },
      outpost: {
        url: `ws://127.0.0.1:${PORTS.outpost}/api/rooms/{room}/ws`,
        adapterOpts: { tokens },
        serverPid: outpost.pid,
      },
    };
    const scenarios = SCENARIOS.filter((s) => !ONLY || ONLY.includes(s.name) || (s.sweep && ONLY.includes("sweep")));
    const runs = new Map(scenarios.map((s) => [s.name, { demo: [], outpost: [] }]));
    for (let rep = 0; rep < REPS; rep++) {
      for (const scenario of scenarios) {
        const order = rep % 2 === 0 ? ["demo", "outpost"] : ["outpost", "demo"];
        for (const who of order) {
          runs.get(scenario.name)[who].push(await loadRun(stage, who, scenario, sides[who], work));
          await sleep(2_000);
        }
      }
    }
    if (PROFILE) {
      for (const who of ["demo", "outpost"]) {
        const session = await startProfile(INSPECTOR_PORTS[who], who === "demo" ? "edge-chat-demo" : "outpost");
        const run = await loadRun(stage, who, SCENARIOS[0], sides[who], work);
        const profile = await session.stop();
        // The whole profile, for DevTools (Performance → load profile), beside the report's summary.
        writeFileSync(path.join(os.tmpdir(), `rooms-vs-peer-${who}.cpuprofile`), JSON.stringify(profile));
        profiles[who] = { run, ...summariseProfile(profile, run.sending) };
        await sleep(2_000);
      }
    }
    for (const scenario of scenarios) {
      const { demo: d, outpost: o } = runs.get(scenario.name);
      const demoSummary = summarise(d);
      const outpostSummary = summarise(o);
      table.push({
        scenario: scenario.name,
        clients: scenario.clients,
        messagesPerSecond: scenario.rate,
        seconds: scenario.duration,
        demo: demoSummary,
        outpost: outpostSummary,
        ratios: {
          p50: ratio(outpostSummary.p50, demoSummary.p50),
          p99: ratio(outpostSummary.p99, demoSummary.p99),
          deliveriesPerSecond: ratio(outpostSummary.deliveriesPerSecond, demoSummary.deliveriesPerSecond),
          serverCpuPerMessage: ratio(outpostSummary.serverCpuMicrosPerMessage, demoSummary.serverCpuMicrosPerMessage),
        },
      });
    }
  } finally {
    for (const server of servers) server.stop();
    await sleep(1_000);
  }
  // The dev server's path: the same paced load through `npm run dev` (Vite's relay in front of workerd).
  if (!ONLY || ONLY.includes("dev")) {
    const server = await startDevServer("rooms-vs-peer", { vars: { LOG_LEVEL: "warn", ...overrides } });
    try {
      const tokens = path.join(stage, "dev-tokens.json");
      await accounts(server.base, tokens);
      const scenario = SCENARIOS[0];
      const url = `${server.base.replace("http", "ws")}/api/rooms/{room}/ws`;
      dev = summarise([
        await loadRun(stage, "outpost", scenario, { url, adapterOpts: { tokens }, serverPid: server.pid }, work),
      ]);
    } finally {
      server.stop();
    }
  }
  rmSync(work, { recursive: true, force: true });
  // Rows written per stored message, as the Durable Object's SQLite API counts them (Miniflare, instrumented room).
  const storage = !ONLY || ONLY.includes("storage") ? await storagePerMessage() : null;
  const report = {
    benchmark: "rooms-vs-peer",
    date: new Date().toISOString(),
    machine: machineInfo(),
    method: [
      `Both rooms served by the same wrangler dev --local (wrangler ${version(path.join(root, "node_modules/wrangler/package.json"))}), each in its own process, started together; same load client (shared ws-broadcast.mjs), one adapter per room.`,
      "Runs interleaved scenario by scenario; the order alternates per repetition. Figures are medians over repetitions; refusals, losses and duplicates are the worst run.",
      "Latency: from a send until every other client has the message (broadcast to all), in ms. Deliveries/s: deliveries to clients other than the sender during the sending window.",
      "Outpost: 200 accounts, one per client (its allowance is per user: 30 at once, then 5/s). Demo: each client its own CF-Connecting-IP (its limiter is per IP).",
      "serverCpuMicrosPerMessage: CPU of workerd (wrangler's proxy runtime and the Worker's runtime) per second while the client was sending, divided by messages sent per second: one message's cost, its fan-out to every socket included.",
      "The dev figure: the same n200-r40 load through npm run dev (Vite + @cloudflare/vite-plugin), compared with Outpost's wrangler dev figure above.",
    ],
    versions: {
      outpost: version(path.join(root, "package.json")),
      workersChatDemo: `unmodified copy in ${path.relative(root, peerDir)} (compatibility_date ${/compatibility_date\s*=\s*"([^"]+)"/.exec(readFileSync(path.join(peerDir, "wrangler.toml"), "utf8"))?.[1]})`,
      wrangler: version(path.join(root, "node_modules/wrangler/package.json")),
      vitePlugin: version(path.join(root, "node_modules/@cloudflare/vite-plugin/package.json")),
    },
    outpostVars: overrides,
    repetitions: REPS,
    scenarios: table,
    devServer: dev,
    profiles: PROFILE ? profiles : undefined,
    storagePerMessage: storage,
    targets: verdicts(table, dev, storage),
    seconds: Math.round((Date.now() - started) / 1000),
  };
  const file = await writeReport(ONLY ? "rooms-vs-peer-partial" : "rooms-vs-peer", report);
  for (const target of report.targets) console.log(`${target.met ? "met" : "NOT met"}: ${target.target}`);
  console.log(`report written to ${path.relative(root, file)} in ${report.seconds} s`);
}

// `npm run bench -- files`: upload and download throughput for 1 MB, 100 MB and a 1 GB multipart file against
// `npm run dev`, and the dev server's peak resident memory while they run. Writes bench/results/files.json.
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { registerAndSignIn, startDevServer, writeReport } from "./lib.mjs";
import { treeRssByName } from "./proc.mjs";

const MB = 1_000_000;
const MIB = 1024 * 1024;
const PART = 16 * MIB;
const PARALLEL_PARTS = 4;
/** 1 MB and 100 MB in one request; 250 MB and 1 GB multipart (the pair shows whether memory follows file size). */
const SIZES = (process.env.BENCH_FILE_SIZES ?? "1,100,250,1000").split(",").map(Number);

/** Peak of the whole tree and of each program (Vite's node, workerd), sampled every 100 ms. */
function sampler(pid) {
  let peak = 0;
  const peaks = {};
  const sample = () => {
    const { total, byName } = treeRssByName(pid);
    peak = Math.max(peak, total);
    for (const [name, bytes] of Object.entries(byName)) peaks[name] = Math.max(peaks[name] ?? 0, bytes);
  };
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return {
        peakMb: Math.round(peak / MIB),
        byProgramMb: Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, Math.round(v / MIB)])),
      };
    },
  };
}

/** An MP4-looking payload (analysis skips video, so the figures are transfer, not analysis). */
export function payload(size, seed) {
  const bytes = Buffer.allocUnsafe(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i += 4) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    bytes.writeUInt32LE(x, Math.min(i, size - 4));
  }
  return bytes;
}

/**
 * Part `n` of `partCount` for a `size`-byte multipart upload: a fresh copy cut from the template, numbered at
 * byte 64 so parts differ, the first one MP4-looking.
 */
export function partBody(template, n, partCount, size) {
  const length = n < partCount ? template.byteLength : size - template.byteLength * (partCount - 1);
  const body = Buffer.from(template.subarray(0, length));
  body.writeUInt32LE(n, 64);
  if (n === 1) withMp4Header(body);
  return body;
}

export function withMp4Header(bytes) {
  Buffer.from([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0]).copy(bytes, 0);
  return bytes;
}

const mbps = (bytes, ms) => Math.round((bytes / MB / (ms / 1000)) * 10) / 10;

async function download(base, auth, id, size) {
  const started = performance.now();
  const res = await fetch(`${base}/api/files/${id}/content`, { headers: auth });
  if (res.status !== 200) throw new Error(`download ${res.status}: ${(await res.text()).slice(0, 2000)}`);
  let received = 0;
  for await (const chunk of res.body) received += chunk.byteLength;
  if (received !== size) throw new Error(`downloaded ${received} of ${size} bytes`);
  return { ms: Math.round(performance.now() - started), mbPerS: mbps(size, performance.now() - started) };
}

async function single(base, auth, size) {
  const body = withMp4Header(payload(size, size));
  const started = performance.now();
  const res = await fetch(`${base}/api/files?name=bench-${size}.mp4`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "video/mp4" },
    body,
  });
  if (res.status !== 201) throw new Error(`upload ${size}: ${res.status} ${await res.text()}`);
  const ms = performance.now() - started;
  const file = await res.json();
  return { id: file.id, upload: { ms: Math.round(ms), mbPerS: mbps(size, ms) } };
}

async function multipart(base, auth, size, pid) {
  const started = performance.now();
  const created = await fetch(`${base}/api/files/uploads`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ name: `bench-${size}.mp4`, size, contentType: "video/mp4", partSize: PART }),
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
  const upload = await created.json();
  const id = upload.file.id;
  const template = payload(PART, 7);
  let next = 1;
  let finished = 0;
  /** workerd's RSS each time another tenth of the parts has been stored: flat means bounded. */
  const workerdTrace = [];
  const worker = async () => {
    while (next <= upload.partCount) {
      const n = next++;
      const body = partBody(template, n, upload.partCount, size);
      const res = await fetch(`${base}/api/files/uploads/${id}/parts/${n}`, { method: "PUT", headers: auth, body });
      if (res.status !== 200) throw new Error(`part ${n}: ${res.status} ${await res.text()}`);
      finished++;
      if (pid && finished % Math.max(1, Math.round(upload.partCount / 10)) === 0) {
        workerdTrace.push({
          partsDone: finished,
          workerdMb: Math.round((treeRssByName(pid).byName.workerd ?? 0) / MIB),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_PARTS }, worker));
  const done = await fetch(`${base}/api/files/uploads/${id}/complete`, { method: "POST", headers: auth });
  if (done.status !== 200) throw new Error(`complete: ${done.status} ${await done.text()}`);
  const ms = performance.now() - started;
  return {
    id,
    upload: {
      ms: Math.round(ms),
      mbPerS: mbps(size, ms),
      parts: upload.partCount,
      partBytes: PART,
      parallel: PARALLEL_PARTS,
      workerdTrace,
    },
  };
}

const toMb = (byName) => Object.fromEntries(Object.entries(byName).map(([k, v]) => [k, Math.round(v / MIB)]));

/**
 * One size on a fresh dev server: its idle footprint after a warm-up, then the peaks while uploading and
 * downloading. Fresh servers keep one run's retained memory out of the next run's figures.
 */
async function measure(sizeMb) {
  const server = await startDevServer(`files-${sizeMb}`);
  try {
    const { base } = server;
    const { token } = await registerAndSignIn(base, "Files bench");
    const auth = { authorization: `Bearer ${token}` };
    await single(base, auth, 64 * 1024);
    const idle = treeRssByName(server.pid);
    const size = sizeMb * MB;
    const mode = size > 100 * MB ? "multipart" : "single";
    const memory = sampler(server.pid);
    const up = mode === "multipart" ? await multipart(base, auth, size, server.pid) : await single(base, auth, size);
    const uploadPeak = memory.stop();
    const downMemory = sampler(server.pid);
    const down = await download(base, auth, up.id, size);
    const downloadPeak = downMemory.stop();
    return {
      sizeMb,
      mode,
      upload: up.upload,
      download: down,
      idleRssMb: Math.round(idle.total / MIB),
      idleByProgramMb: toMb(idle.byName),
      rssDuringUpload: uploadPeak,
      rssDuringDownload: downloadPeak,
      growthDuringUploadMb: uploadPeak.peakMb - Math.round(idle.total / MIB),
    };
  } catch (error) {
    console.error(`dev server output (tail):\n${server.output().slice(-4_000)}`);
    throw error;
  } finally {
    server.stop();
  }
}

/** workerd processes started after `since` (Miniflare's own), by RSS in MB. */
function workerdRssMb(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      total += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
    } catch {}
  }
  return Math.round(total / MIB);
}

function workerdPids() {
  return readdirSync("/proc").filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      return /Name:\s+workerd/.test(readFileSync(`/proc/${entry}/status`, "utf8"));
    } catch {
      return false;
    }
  });
}

const FLOOR_WORKER = `export default { async fetch(request, env) {
  const path = new URL(request.url).pathname;
  if (path === "/drain") { let n = 0; for await (const chunk of request.body) n += chunk.byteLength; return new Response(String(n)); }
  if (path === "/put") { await env.FILES.put("floor/" + crypto.randomUUID(), request.body); return new Response("ok"); }
  return new Response("not found", { status: 404 });
} }`;

/**
 * The floor: what workerd itself (with Miniflare's local R2) holds when a bare Worker only drains a body or
 * only puts it in R2, no Outpost code involved. Growth here is the local runtime's, and bounds what a
 * route's own streaming can be judged against.
 */
async function floor(sizesMb) {
  const rows = [];
  for (const sizeMb of sizesMb) {
    const body = payload(sizeMb * MB, sizeMb);
    for (const path of ["/drain", "/put"]) {
      // A fresh runtime per row, so no row inherits another's retained memory.
      const before = new Set(workerdPids());
      const mf = new Miniflare(
        convertV4MiniflareOptions({
          modules: true,
          script: FLOOR_WORKER,
          r2Buckets: ["FILES"],
          compatibilityDate: "2026-10-01",
        }),
      );
      try {
        const url = await mf.ready;
        const pids = workerdPids().filter((pid) => !before.has(pid));
        await (await fetch(new URL("/drain", url), { method: "POST", body: "warm-up" })).text();
        const idle = workerdRssMb(pids);
        let peak = idle;
        const timer = setInterval(() => {
          peak = Math.max(peak, workerdRssMb(pids));
        }, 50);
        const res = await fetch(new URL(path, url), { method: "POST", body });
        await res.text();
        clearInterval(timer);
        peak = Math.max(peak, workerdRssMb(pids));
        rows.push({ sizeMb, route: path, idleWorkerdMb: idle, peakWorkerdMb: peak, growthMb: peak - idle });
      } finally {
        await mf.dispose();
      }
    }
  }
  return rows;
}

/** K uploads of `sizeMb` at once on a fresh server: all must succeed; the peak shows what concurrency costs. */
async function concurrent(k, sizeMb) {
  const server = await startDevServer(`files-concurrent`);
  try {
    const { base } = server;
    const { token } = await registerAndSignIn(base, "Files bench");
    const auth = { authorization: `Bearer ${token}` };
    await single(base, auth, 64 * 1024);
    const idle = treeRssByName(server.pid);
    const memory = sampler(server.pid);
    const started = performance.now();
    const outcomes = await Promise.allSettled(Array.from({ length: k }, () => single(base, auth, sizeMb * MB)));
    const ms = performance.now() - started;
    const peak = memory.stop();
    const failures = outcomes.filter((o) => o.status === "rejected").map((o) => String(o.reason).slice(0, 300));
    return {
      uploads: k,
      sizeMb,
      succeeded: k - failures.length,
      failures,
      totalMbPerS: mbps(k * sizeMb * MB, ms),
      idleRssMb: Math.round(idle.total / MIB),
      rssDuringUploads: peak,
    };
  } finally {
    server.stop();
  }
}

export async function run() {
  const results = [];
  for (const sizeMb of SIZES) {
    const row = await measure(sizeMb);
    console.log(JSON.stringify(row));
    results.push(row);
  }
  const concurrency = await concurrent(Number(process.env.BENCH_CONCURRENT ?? 4), 100);
  console.log(JSON.stringify(concurrency));
  const floorRows = await floor([100, 250]);
  for (const row of floorRows) console.log(JSON.stringify(row));
  const report = {
    benchmark: "files",
    at: new Date().toISOString(),
    via: "vite dev (npm run dev): @cloudflare/vite-plugin's proxy in front of workerd, local R2/D1 on disk; client on the same machine; a fresh dev server per size",
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 1e9) },
    rssNote:
      "resident memory of the whole dev-server process tree (MainThread = Vite's Node process with the plugin's proxy; workerd = the Worker plus Miniflare's local R2/D1/KV emulation), sampled every 100 ms",
    results,
    concurrent: concurrency,
    floor: {
      via: "Miniflare's programmatic API: a bare Worker (no Outpost code) that drains the body or puts it in local R2; workerd's RSS only",
      rows: floorRows,
    },
  };
  const file = await writeReport("files", report);
  console.log(`wrote ${file}`);
}

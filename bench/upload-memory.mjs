// `npm run bench -- upload-memory`: whose memory grows during a large multipart upload, Outpost's Worker or the
// local runtime? The same upload (16 MiB parts, 4 in flight, Node's fetch as the client, as bench/files.mjs sends
// it) goes once through Outpost's files routes and once through a bare Worker (bench/upload-floor-worker.ts)
// that only calls R2's createMultipartUpload / uploadPart / complete with the request body. Both are served the
// same way (Miniflare's programmatic API, local state on disk in a fresh directory), and workerd's resident
// memory is sampled throughout: the difference is Outpost's, the rest is workerd plus Miniflare's R2 emulation
// (which runs in the same process). Writes bench/results/upload-memory.json.
//
// BENCH_UPLOAD_SIZES=256,1000 (MB, 10^6 bytes) and BENCH_UPLOAD_TARGETS=bare,outpost choose the rows; the
// diagnostic targets bare:fixed, bare:replay, bare:forward and bare:pipe[-signal|-reader|-keep] (served by
// bench/upload-probe-worker.ts, the same routes) send the part body through a FixedLengthStream, through
// Outpost's own byte-stream helpers, or through pipeTo variants; a target ending in +read:native or +read:analyse then reads the object once for its SHA-256 (a
// DigestStream pipe, or Outpost's analyseFile as its queue consumer runs it), measured on its own.
// BENCH_UPLOAD_REPEAT measures each row again on a fresh runtime; BENCH_UPLOAD_NOTE labels a run's rows
// (e.g. "before fix"). A run replaces the rows it measures (same target, size, note and repeat) and keeps the
// others, each with the time it was measured.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { partBody, payload } from "./files.mjs";
import { machineInfo, registerAndSignIn, root, startMiniflare, writeReport } from "./lib.mjs";
import { processTree } from "./proc.mjs";

const MB = 1_000_000;
const MIB = 1024 * 1024;
/** As bench/files.mjs: 16 MiB parts, 4 in flight. */
const PART = 16 * MIB;
const PARALLEL_PARTS = 4;
const SIZES = (process.env.BENCH_UPLOAD_SIZES ?? "256,1000").split(",").filter(Boolean).map(Number);
const TARGETS = (process.env.BENCH_UPLOAD_TARGETS ?? "bare,outpost").split(",").filter(Boolean);
/** How long workerd is left alone after the upload (and after Outpost's analysis) before the "idle" reading. */
const IDLE_MS = Number(process.env.BENCH_UPLOAD_IDLE_MS ?? 15_000);
/** Each (size, target) is measured this many times, each on a fresh runtime: the peaks move in ~35 MB steps. */
const REPEAT = Number(process.env.BENCH_UPLOAD_REPEAT ?? 1);
const SAMPLE_MS = 50;

const mb = (bytes) => Math.round(bytes / MIB);

/** workerd's memory (the processes Miniflare started under this Node process), from /proc/<pid>/status. */
function workerdMemory() {
  const out = { rss: 0, anon: 0, file: 0, shmem: 0, pids: 0 };
  for (const pid of processTree(process.pid)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      if (!/^Name:\s+workerd$/m.test(status)) continue;
      const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
      out.rss += kb("VmRSS");
      out.anon += kb("RssAnon");
      out.file += kb("RssFile");
      out.shmem += kb("RssShmem");
      out.pids++;
    } catch {}
  }
  return out;
}

const inMb = (m) => ({ rssMb: mb(m.rss), anonMb: mb(m.anon), fileMb: mb(m.file) });

/** Peak of workerd's RSS (and of its anonymous part) between start and stop, sampled every SAMPLE_MS. */
function sampler() {
  let peak = workerdMemory();
  let peakAnon = peak.anon;
  const sample = () => {
    const now = workerdMemory();
    if (now.rss > peak.rss) peak = now;
    peakAnon = Math.max(peakAnon, now.anon);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { rssMb: mb(peak.rss), anonMb: mb(peakAnon), fileMb: mb(peak.file) };
    },
  };
}

/** The same pseudo-random bytes as bench/files.mjs. */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Outpost's multipart API: create (JSON), PUT parts, complete; then its analysis reads the object once. */
function outpostTarget(base, auth) {
  return {
    async create(size) {
      const res = await fetch(`${base}/api/files/uploads`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({ name: `bench-${size}.mp4`, size, contentType: "video/mp4", partSize: PART }),
      });
      if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
      const upload = await res.json();
      return { id: upload.file.id, partCount: upload.partCount };
    },
    async part(upload, n, body) {
      const res = await fetch(`${base}/api/files/uploads/${upload.id}/parts/${n}`, {
        method: "PUT",
        headers: auth,
        body,
      });
      if (res.status !== 200) throw new Error(`part ${n}: ${res.status} ${await res.text()}`);
      await res.json();
    },
    async complete(upload) {
      const res = await fetch(`${base}/api/files/uploads/${upload.id}/complete`, { method: "POST", headers: auth });
      if (res.status !== 200) throw new Error(`complete: ${res.status} ${await res.text()}`);
      await res.json();
    },
    /**
     * The file's state after complete. bench/worker.ts forwards only `fetch`, so no queue consumer runs here
     * and the analysis (one streamed SHA-256 read of a multipart object) is not part of these figures.
     */
    async settled(upload) {
      const res = await fetch(`${base}/api/files/${upload.id}`, { headers: auth });
      return (await res.json()).status;
    },
  };
}

/** The bare Worker's routes: the same three steps, R2 calls only (`via` picks a diagnostic variant of the body). */
function bareTarget(base, via = "body") {
  return {
    async create(size) {
      const key = `floor/${size}-${Date.now()}`;
      const res = await fetch(`${base}/uploads?key=${encodeURIComponent(key)}`, { method: "POST" });
      if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
      const { uploadId } = await res.json();
      return { key, uploadId, partCount: Math.max(1, Math.ceil(size / PART)), etags: [] };
    },
    async part(upload, n, body) {
      const query = `key=${encodeURIComponent(upload.key)}&via=${via}`;
      const res = await fetch(`${base}/uploads/${upload.uploadId}/parts/${n}?${query}`, {
        method: "PUT",
        body,
      });
      if (res.status !== 200) throw new Error(`part ${n}: ${res.status} ${await res.text()}`);
      upload.etags.push(await res.json());
    },
    async complete(upload) {
      const parts = [...upload.etags].sort((a, b) => a.partNumber - b.partNumber);
      const res = await fetch(`${base}/uploads/${upload.uploadId}/complete?key=${encodeURIComponent(upload.key)}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(parts),
      });
      if (res.status !== 200) throw new Error(`complete: ${res.status} ${await res.text()}`);
      await res.json();
    },
    async settled() {
      return "nothing runs after complete";
    },
    /** Reads the stored object once for its SHA-256 (`native` pipe, or Outpost's `analyse`). */
    async read(upload, how) {
      const res = await fetch(`${base}/read?key=${encodeURIComponent(upload.key)}&via=${how}`, { method: "POST" });
      if (res.status !== 200) throw new Error(`read: ${res.status} ${await res.text()}`);
      return (await res.json()).sha256;
    },
  };
}

/** The client of bench/files.mjs: parts cut from one 16 MiB template, a fresh Buffer per request, 4 in flight. */
async function upload(target, size) {
  const created = await target.create(size);
  const template = payload(PART, 7);
  let next = 1;
  let finished = 0;
  /** workerd's RSS each time another tenth of the parts has been stored: flat means bounded. */
  const trace = [];
  const lane = async () => {
    while (next <= created.partCount) {
      const n = next++;
      const body = partBody(template, n, created.partCount, size);
      await target.part(created, n, body);
      finished++;
      if (finished % Math.max(1, Math.round(created.partCount / 10)) === 0) {
        trace.push({ partsDone: finished, rssMb: mb(workerdMemory().rss) });
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_PARTS }, lane));
  await target.complete(created);
  return { created, trace };
}

/** The bare Worker (via "body" and a native read) or, for a diagnostic variant, the probe Worker. */
async function startBare(stateDir, via, readHow) {
  const name = (via ?? "body") === "body" && (readHow ?? "native") === "native" ? "upload-floor" : "upload-probe";
  const outfile = path.join(root, ".bench", `${name}-worker.mjs`);
  await build({
    entryPoints: [path.join(root, `bench/${name}-worker.ts`)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["cloudflare:*", "node:*"],
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "import"],
    logLevel: "warning",
  });
  // The same compatibility date and flags as Outpost, and the same bucket name.
  const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(root, "wrangler.jsonc"));
  rmSync(stateDir, { recursive: true, force: true });
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      resourcePersistencePath: stateDir,
      workers: [
        {
          name,
          modules: true,
          scriptPath: outfile,
          compatibilityDate: workerOptions.compatibilityDate,
          compatibilityFlags: workerOptions.compatibilityFlags,
          r2Buckets: workerOptions.r2Buckets,
        },
      ],
    }),
  );
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { mf, url, target: bareTarget(url, via) };
}

async function startOutpost(stateDir) {
  const { mf, url } = await startMiniflare({ LOG_LEVEL: "warn" }, { stateDir });
  const { token } = await registerAndSignIn(url, "Upload memory");
  return { mf, url, target: outpostTarget(url, { authorization: `Bearer ${token}` }) };
}

/** du -s, in MB, of the state directory (R2's blobs and SQLite). */
function diskMb(dir) {
  let total = 0;
  const walk = (d) => {
    for (const entry of readdirSafe(d)) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) total += statSize(p);
    }
  };
  walk(dir);
  return mb(total);
}

function readdirSafe(d) {
  try {
    return readdirSync(d, { withFileTypes: true });
  } catch {
    return [];
  }
}

function statSize(p) {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}

/** One upload of `sizeMb` through `kind` on a fresh runtime with a fresh state directory. */
async function measure(kind, sizeMb, run) {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), `outpost-upload-memory-${kind}-`));
  // "bare:<via>+read:<how>": after the upload and the idle, the object is read once more, measured on its own.
  const [uploadKind, readHow] = kind.split("+read:");
  const server =
    uploadKind === "outpost"
      ? await startOutpost(stateDir)
      : await startBare(stateDir, uploadKind.split(":")[1], readHow);
  try {
    const size = sizeMb * MB;
    // Warm-up: a one-part 64 KiB upload through the same routes, then let it (and its analysis) settle.
    const warm = await upload(server.target, 64 * 1024);
    await server.target.settled(warm.created);
    await sleep(2_000);
    const baseline = workerdMemory();
    const during = sampler();
    const started = performance.now();
    const { created, trace } = await upload(server.target, size);
    const ms = Math.round(performance.now() - started);
    const peak = during.stop();
    const end = workerdMemory();
    const after = sampler();
    const settledAs = await server.target.settled(created);
    const afterPeak = after.stop();
    await sleep(IDLE_MS);
    const idle = workerdMemory();
    let read;
    if (readHow) {
      const reading = sampler();
      const readStarted = performance.now();
      const sha256 = await server.target.read(created, readHow);
      const readPeak = reading.stop();
      const readEnd = workerdMemory();
      read = {
        via: readHow,
        ms: Math.round(performance.now() - readStarted),
        sha256,
        peak: readPeak,
        end: inMb(readEnd),
        growthFromIdleMb: readPeak.rssMb - mb(idle.rss),
      };
    }
    const row = {
      target: kind,
      ...(process.env.BENCH_UPLOAD_NOTE ? { note: process.env.BENCH_UPLOAD_NOTE } : {}),
      run,
      at: new Date().toISOString(),
      sizeMb,
      bytes: size,
      parts: created.partCount,
      partBytes: PART,
      parallel: PARALLEL_PARTS,
      uploadMs: ms,
      mbPerS: Math.round((size / MB / (ms / 1000)) * 10) / 10,
      workerdProcesses: baseline.pids,
      baseline: inMb(baseline),
      peakDuringUpload: peak,
      endOfUpload: inMb(end),
      afterComplete: { settledAs, peak: afterPeak },
      idle: { afterMs: IDLE_MS, ...inMb(idle) },
      growth: {
        peakMb: peak.rssMb - mb(baseline.rss),
        endMb: mb(end.rss) - mb(baseline.rss),
        idleMb: mb(idle.rss) - mb(baseline.rss),
      },
      trace,
      ...(read ? { read } : {}),
      stateOnDiskMb: diskMb(stateDir),
    };
    console.log(JSON.stringify(row));
    return row;
  } finally {
    await server.mf.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const rowKey = (row) => `${row.target}|${row.sizeMb}|${row.note ?? ""}|${row.run ?? 1}`;

/** The rows of the previous report that this run does not measure again. */
function earlierRows(measured) {
  try {
    const previous = JSON.parse(readFileSync(path.join(root, "bench/results/upload-memory.json"), "utf8"));
    const keys = new Set(measured.map(rowKey));
    return (previous.rows ?? []).filter((row) => !keys.has(rowKey(row)));
  } catch {
    return [];
  }
}

/** Per target, note and size: how many runs, and the lowest and highest growth of workerd's RSS over baseline. */
function summarise(rows) {
  const groups = new Map();
  for (const row of rows) {
    const key = `${row.target}|${row.note ?? ""}|${row.sizeMb}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(row);
  }
  return [...groups.values()].map((group) => {
    const range = (pick) => {
      const values = group.map(pick);
      return [Math.min(...values), Math.max(...values)];
    };
    return {
      target: group[0].target,
      ...(group[0].note ? { note: group[0].note } : {}),
      sizeMb: group[0].sizeMb,
      runs: group.length,
      baselineMb: range((row) => row.baseline.rssMb),
      peakGrowthMb: range((row) => row.growth.peakMb),
      endGrowthMb: range((row) => row.growth.endMb),
      idleGrowthMb: range((row) => row.growth.idleMb),
      ...(group[0].read ? { readGrowthMb: range((row) => row.read?.growthFromIdleMb ?? 0) } : {}),
    };
  });
}

export async function run() {
  const measured = [];
  for (const sizeMb of SIZES) {
    for (let run = 1; run <= REPEAT; run++) {
      for (const kind of TARGETS) measured.push(await measure(kind, sizeMb, run));
    }
  }
  const rows = [...earlierRows(measured), ...measured].sort(
    (a, b) => a.sizeMb - b.sizeMb || rowKey(a).localeCompare(rowKey(b)),
  );
  const report = {
    benchmark: "upload-memory",
    summary: summarise(rows),
    at: new Date().toISOString(),
    via: "Miniflare's programmatic API (workerd directly, no Vite proxy), local state on disk in a fresh temporary directory per row; the client is Node's fetch on the same machine, as in bench/files.mjs",
    targets: {
      outpost:
        "Outpost's Worker (bench/worker.ts): PUT /api/files/uploads/:id/parts/:n with auth, D1 reads/writes, sniffing part 1, FixedLengthStream; no queue consumer (bench/worker.ts forwards fetch only), so the analysis that reads the object after complete is not measured",
      bare: "bench/upload-floor-worker.ts: only R2 createMultipartUpload / uploadPart(request.body) / complete",
      "bare:<via>": "bench/upload-probe-worker.ts: the same routes, the part body sent through a diagnostic variant",
      "+read:<how>":
        "after the upload, the object read once for its SHA-256: native (DigestStream pipe) or analyse (Outpost's analyseFile)",
    },
    rssNote:
      "workerd's resident memory (VmRSS; anonMb = RssAnon, fileMb = RssFile) of the processes Miniflare started, sampled every 50 ms; baseline after a 64 KiB warm-up upload, idle after the upload (and Outpost's analysis) plus idle.afterMs",
    machine: machineInfo(),
    rows,
  };
  const file = await writeReport("upload-memory", report);
  console.log(`wrote ${file}`);
}

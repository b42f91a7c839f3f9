// Starts `npm run dev` as a user would (local D1 migrations, then Vite with the Worker in workerd) on a free
// 127.0.0.1 port with its own state directory. Shared by the smoke test, the browser tests and the benchmarks.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "node_modules", ".bin");
// Children resolve `node` to the project's Node 24 (the node@24 devDependency), as `npm run` does.
process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: "ignore" });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited ${code}`))));
  });
}

/**
 * @param {string} name state directory under .wrangler/ (wiped first)
 * @param {{ timeoutMs?: number, vars?: Record<string, string>, stateDir?: string }} [options] vars override
 *   the Worker's vars (e.g. LOG_LEVEL); stateDir puts the state directory elsewhere (a benchmark may choose a tmpfs)
 * @returns {Promise<{ base: string, stop: () => void, pid: number, output: () => string }>}
 */
export async function startDevServer(name, { timeoutMs = 120_000, vars, stateDir } = {}) {
  const persist = stateDir ? path.join(stateDir, name) : path.join(root, ".wrangler", name);
  rmSync(persist, { recursive: true, force: true });
  await run(path.join(bin, "wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(path.join(bin, "vite"), ["dev", "--port", String(port), "--strictPort"], {
    cwd: root,
    env: { ...process.env, OUTPOST_PERSIST: persist, ...(vars ? { OUTPOST_VARS: JSON.stringify(vars) } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  server.stdout.on("data", (chunk) => (log += chunk));
  server.stderr.on("data", (chunk) => (log += chunk));
  const stop = () => {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {}
  };
  process.on("exit", stop);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`dev server exited early:\n${log}`);
    try {
      if ((await fetch(`${base}/api/status`)).status === 200) return { base, stop, pid: server.pid, output: () => log };
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  stop();
  throw new Error(`dev server did not answer within ${timeoutMs / 1000} s:\n${log}`);
}

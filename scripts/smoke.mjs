// Smoke test of the real dev server: starts `vite dev` (Worker + unfurl helper in workerd, UI through Vite)
// on 127.0.0.1 with its own state directory, then checks the API, the UI and the SPA fallback.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const persist = path.join(root, ".wrangler", "smoke");
const deadline = Date.now() + 120_000;

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

function run(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited ${code}`))));
  });
}

const binDir = path.join(root, "node_modules", ".bin");
const bin = (name) => path.join(binDir, name);
// Children resolve `node` to the project's Node 24 (the node@24 devDependency), as `npm run` does.
process.env.PATH = `${binDir}${path.delimiter}${process.env.PATH}`;
rmSync(persist, { recursive: true, force: true });
await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(bin("vite"), ["dev", "--port", String(port), "--strictPort"], {
  cwd: root,
  env: { ...process.env, OUTPOST_PERSIST: persist },
  stdio: ["ignore", "pipe", "pipe"],
  detached: true,
});
let output = "";
server.stdout.on("data", (chunk) => (output += chunk));
server.stderr.on("data", (chunk) => (output += chunk));
const stop = () => {
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {}
};
process.on("exit", stop);

const results = [];
async function check(name, fn) {
  try {
    await fn();
    results.push([name, true]);
    console.log(`ok   ${name}`);
  } catch (error) {
    results.push([name, false]);
    console.log(`FAIL ${name}: ${error.message}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function waitForServer() {
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`dev server exited early:\n${output}`);
    try {
      const res = await fetch(`${base}/api/status`);
      if (res.status === 200) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`dev server did not answer within 120 s:\n${output}`);
}

try {
  await waitForServer();
  await check("GET /api/status answers with the app's status", async () => {
    const res = await fetch(`${base}/api/status`);
    const body = await res.json();
    assert(body.name === "outpost", `name is ${body.name}`);
    assert(body.services.unfurl === "ok", `unfurl service is ${body.services.unfurl}`);
    assert(body.migrations.state === "current", `migrations are ${body.migrations.state}`);
    assert(res.headers.get("x-request-id"), "no X-Request-Id");
  });
  await check("GET / serves the UI shell", async () => {
    const html = await (await fetch(`${base}/`)).text();
    assert(html.includes('<div id="root">'), "no #root in index.html");
  });
  await check("the UI entry module compiles", async () => {
    const res = await fetch(`${base}/src/web/main.tsx`);
    assert(res.status === 200, `status ${res.status}`);
  });
  await check("a deep UI link falls back to the SPA", async () => {
    const res = await fetch(`${base}/rooms/general`);
    assert(res.status === 200 && (await res.text()).includes('<div id="root">'), `status ${res.status}`);
  });
  await check("unknown API routes answer problem+json", async () => {
    const res = await fetch(`${base}/api/does-not-exist`);
    assert(res.status === 404, `status ${res.status}`);
    assert(res.headers.get("content-type") === "application/problem+json", res.headers.get("content-type"));
  });
} catch (error) {
  results.push(["dev server starts", false]);
  console.log(`FAIL dev server starts: ${error.message}`);
} finally {
  stop();
}

const failed = results.filter(([, ok]) => !ok).length;
console.log(`smoke: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

// Smoke test of the real dev server: starts `vite dev` (Worker + unfurl helper in workerd, UI through Vite)
// on 127.0.0.1 with its own state directory, then checks the API, the UI and the SPA fallback.
import { startDevServer } from "./dev-server.mjs";

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

let server;
try {
  server = await startDevServer("smoke");
  const base = server.base;
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
  server?.stop();
}

const failed = results.filter(([, ok]) => !ok).length;
console.log(`smoke: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

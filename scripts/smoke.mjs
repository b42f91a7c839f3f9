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
  await check("a file uploaded to the dev server is stored, queued and analysed by the real consumer", async () => {
    const headers = { "Content-Type": "application/json", "CF-Connecting-IP": "192.0.2.77" };
    const email = `smoke-${Date.now()}@example.com`;
    const password = "a smoke test passphrase";
    const reg = await fetch(`${base}/api/auth/register`, {
      method: "POST",
      headers: { ...headers, Origin: base },
      body: JSON.stringify({ email, password, displayName: "Smoke" }),
    });
    assert(reg.status === 201, `register ${reg.status}`);
    const login = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers,
      body: JSON.stringify({ email, password, transport: "bearer" }),
    });
    const auth = { authorization: `Bearer ${(await login.json()).token}` };
    const text = "The launch is on Tuesday. Everyone reviews the launch list first. Coffee is in the kitchen.";
    const up = await fetch(`${base}/api/files?name=plan.txt`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "text/plain" },
      body: text,
    });
    assert(up.status === 201, `upload ${up.status} ${await up.clone().text()}`);
    const { id } = await up.json();
    let file;
    for (let i = 0; i < 60; i++) {
      file = await (await fetch(`${base}/api/files/${id}`, { headers: auth })).json();
      if (!["stored", "analysing"].includes(file.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert(file.status === "ready", `status ${file.status} ${JSON.stringify(file.error)}`);
    assert(file.analysis?.keywords?.includes("launch"), `analysis ${JSON.stringify(file.analysis)}`);
    const range = await fetch(`${base}/api/files/${id}/content`, { headers: { ...auth, Range: "bytes=4-9" } });
    assert(range.status === 206 && (await range.text()) === text.slice(4, 10), `range ${range.status}`);
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

// Smoke test of the real dev server: starts `vite dev` (Worker + unfurl helper in workerd, UI through Vite)
// on 127.0.0.1 with its own state directory, then checks the API, the UI and the SPA fallback, refusals on
// keep-alive connections, preflights, and close codes through the dev server's WebSocket relay.
import WebSocket from "ws";
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

/** A user signed in with a bearer token and with a session cookie (two sessions). */
async function signUp(base, name, ip) {
  const headers = { "Content-Type": "application/json", "CF-Connecting-IP": ip };
  const email = `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = "a smoke test passphrase";
  const reg = await fetch(`${base}/api/auth/register`, {
    method: "POST",
    headers: { ...headers, Origin: base },
    body: JSON.stringify({ email, password, displayName: name }),
  });
  assert(reg.status === 201, `register ${reg.status}`);
  const { user } = await reg.json();
  const login = (transport) =>
    fetch(`${base}/api/auth/login`, { method: "POST", headers, body: JSON.stringify({ email, password, transport }) });
  const bearer = await login("bearer");
  const cookie = (await login("cookie")).headers.getSetCookie().map((line) => line.split(";")[0]);
  assert(cookie.length > 0, "no session cookie");
  return {
    id: user.id,
    email,
    bearer: { ...headers, Authorization: `Bearer ${(await bearer.json()).token}` },
    cookie: { ...headers, Cookie: cookie.join("; ") },
  };
}

/** A body with no declared length: Node's fetch sends it chunked. */
function streamOf(text) {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
}

/**
 * Requests the Worker refuses, many with a body it never reads, sent one after another on Node's keep-alive
 * connections: each must come back as the Worker's own problem+json, never as a 5xx from the dev server.
 */
async function refusals(base, rounds) {
  const member = await signUp(base, "refused", "198.51.100.9");
  // A second account for the refusals of signed-in requests, so the two share no per-user allowance.
  const writer = await signUp(base, "refused-writer", "198.51.100.8");
  const big = JSON.stringify({ displayName: "x".repeat(70_000) }); // MAX_BODY_BYTES is 65 536 in development
  const anon = (i) => ({ "Content-Type": "application/json", "CF-Connecting-IP": `198.51.100.${10 + (i % 40)}` });
  // [name, request, expected status, expected problem code]
  const cases = [
    [
      "anonymous JSON write",
      (i) => ["PATCH", "/api/users/me", anon(i), '{"displayName":"nobody"}'],
      401,
      "unauthenticated",
    ],
    [
      "anonymous upload",
      (i) => ["POST", "/api/files?name=a.txt", { ...anon(i), "Content-Type": "text/plain" }, "x".repeat(20_000)],
      401,
      "unauthenticated",
    ],
    [
      "foreign Origin",
      () => [
        "POST",
        "/api/rooms",
        { ...member.bearer, Origin: "https://evil.example" },
        '{"name":"x","visibility":"public"}',
      ],
      403,
      "origin-not-allowed",
    ],
    [
      "cookie write without Origin (CSRF)",
      () => ["PATCH", "/api/users/me", member.cookie, '{"displayName":"csrf"}'],
      403,
      "csrf-rejected",
    ],
    [
      "cookie write, wrong content type",
      () => [
        "PATCH",
        "/api/users/me",
        { ...member.cookie, Origin: base, "Content-Type": "text/plain" },
        '{"displayName":"t"}',
      ],
      415,
      "unsupported-media-type",
    ],
    ["malformed JSON", () => ["PATCH", "/api/users/me", member.bearer, '{"displayName":'], 400, "malformed-json"],
    ["oversize JSON", () => ["PATCH", "/api/users/me", member.bearer, big], 413, undefined],
    ["oversize JSON, no length", () => ["PATCH", "/api/users/me", member.bearer, streamOf(big)], 413, undefined],
    [
      "upload refused by its type (200 KB, mostly unread)",
      () => ["POST", "/api/files?name=a.png", { ...writer.bearer, "Content-Type": "image/png" }, "x".repeat(200_000)],
      415,
      "file-type-mismatch",
    ],
    [
      "URL that is not UTF-8",
      () => ["PATCH", "/api/users/me?q=%ED%A0%80", writer.bearer, '{"displayName":"url"}'],
      400,
      "malformed-url",
    ],
    [
      "lone surrogate in a JSON string",
      () => ["PATCH", "/api/users/me", writer.bearer, '{"displayName":"a\\ud800b"}'],
      400,
      "invalid-request",
    ],
    [
      "JSON body that is not UTF-8",
      () => [
        "PATCH",
        "/api/users/me",
        writer.bearer,
        new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
      ],
      400,
      "malformed-text",
    ],
  ];
  const failures = [];
  const seen = {};
  let sent = 0;
  for (let round = 0; round < rounds; round++) {
    for (const [name, build, status, code] of cases) {
      const [method, path, headers, body] = build(round);
      const res = await fetch(`${base}${path}`, { method, headers, body, duplex: "half" });
      const text = await res.text();
      sent++;
      const type = res.headers.get("content-type");
      let problem;
      try {
        problem = JSON.parse(text);
      } catch {}
      const ok =
        res.status === status &&
        type === "application/problem+json" &&
        problem?.status === status &&
        (code === undefined || problem?.code === code);
      seen[`${name} → ${res.status}`] = (seen[`${name} → ${res.status}`] ?? 0) + 1;
      if (!ok) failures.push(`${name}: ${res.status} ${type} ${text.slice(0, 80).replace(/\s+/g, " ")}`);
    }
  }
  return { sent, seen, failures };
}

/** Preflights reach the Worker's origin policy: an allow-listed origin gets CORS, a foreign one a 403 problem. */
async function preflights(base, rounds) {
  const failures = [];
  for (let i = 0; i < rounds; i++) {
    for (const [origin, allowed] of [
      ["http://127.0.0.1:5173", true],
      ["http://localhost:9999", false],
      ["https://evil.example", false],
    ]) {
      const res = await fetch(`${base}/api/users/me`, {
        method: "OPTIONS",
        headers: {
          Origin: origin,
          "Access-Control-Request-Method": "PATCH",
          "Access-Control-Request-Headers": "content-type",
        },
      });
      const text = await res.text();
      const acao = res.headers.get("access-control-allow-origin");
      const ok = allowed
        ? res.status === 204 && acao === origin && res.headers.get("access-control-allow-credentials") === "true"
        : res.status === 403 && acao === null && JSON.parse(text || "{}").code === "origin-not-allowed";
      if (!ok) failures.push(`${origin}: ${res.status} ACAO=${acao} ${text.slice(0, 60)}`);
    }
  }
  return failures;
}

/** Opens a room socket with a fresh ticket; resolves once the welcome frame is in. */
async function openRoomSocket(base, user, room) {
  const res = await fetch(`${base}/api/rooms/${room}/ticket`, { method: "POST", headers: user.bearer });
  assert(res.status === 201, `ticket ${res.status}`);
  const ws = new WebSocket((await res.json()).url, { headers: { Origin: base } });
  const closed = new Promise((resolve) =>
    ws.once("close", (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise((resolve, reject) => {
    ws.once("message", resolve);
    ws.once("error", reject);
  });
  return { ws, closed };
}

/** The close code a socket receives after `act`; "none" if the relay has not delivered one within 5 s. */
async function closeAfter(socket, act) {
  const started = Date.now();
  await act();
  const patience = new Promise((resolve) => setTimeout(() => resolve({ code: "none" }), 5_000).unref());
  const outcome = await Promise.race([socket.closed, patience]);
  socket.ws.terminate();
  return { ...outcome, ms: Date.now() - started };
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
  await check(
    "480 refused keep-alive requests with bodies (12 kinds) get the Worker's problem+json, no 5xx",
    async () => {
      const started = Date.now();
      const { sent, seen, failures } = await refusals(base, 40);
      console.log(`     ${sent} requests in ${Date.now() - started} ms: ${JSON.stringify(seen)}`);
      assert(failures.length === 0, `${failures.length} of ${sent} wrong, e.g. ${failures.slice(0, 3).join(" | ")}`);
    },
  );
  await check("preflights reach the Worker's origin policy (allowed origin: CORS; foreign: 403 problem)", async () => {
    const failures = await preflights(base, 10);
    assert(failures.length === 0, `${failures.length} of 30 wrong, e.g. ${failures.slice(0, 3).join(" | ")}`);
  });
  await check("a removed member's socket gets close 4403 through the dev server", async () => {
    const owner = await signUp(base, "owner", "198.51.100.60");
    const member = await signUp(base, "member", "198.51.100.61");
    const room = `smoke-${Date.now().toString(36)}`;
    const created = await fetch(`${base}/api/rooms`, {
      method: "POST",
      headers: owner.bearer,
      body: JSON.stringify({ name: room, visibility: "private" }),
    });
    assert(created.status === 201, `create room ${created.status}`);
    const added = await fetch(`${base}/api/rooms/${room}/members`, {
      method: "POST",
      headers: owner.bearer,
      body: JSON.stringify({ email: member.email }),
    });
    assert(added.status === 201, `add member ${added.status}`);
    const socket = await openRoomSocket(base, member, room);
    const closed = await closeAfter(socket, async () => {
      const res = await fetch(`${base}/api/rooms/${room}/members/${member.id}`, {
        method: "DELETE",
        headers: owner.bearer,
      });
      assert(res.status === 204, `remove ${res.status}`);
    });
    console.log(`     removal → close ${closed.code} "${closed.reason ?? ""}" after ${closed.ms} ms`);
    assert(closed.code === 4403, `close code ${closed.code}`);
  });
  await check("a socket whose session signs out gets close 4401 through the dev server", async () => {
    const user = await signUp(base, "leaver", "198.51.100.62");
    const room = `smoke-open-${Date.now().toString(36)}`;
    const created = await fetch(`${base}/api/rooms`, {
      method: "POST",
      headers: user.bearer,
      body: JSON.stringify({ name: room, visibility: "public" }),
    });
    assert(created.status === 201, `create room ${created.status}`);
    const socket = await openRoomSocket(base, user, room);
    const closed = await closeAfter(socket, async () => {
      const res = await fetch(`${base}/api/auth/logout`, { method: "POST", headers: user.bearer });
      assert(res.status === 204, `logout ${res.status}`);
    });
    console.log(`     sign-out → close ${closed.code} "${closed.reason ?? ""}" after ${closed.ms} ms`);
    assert(closed.code === 4401, `close code ${closed.code}`);
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

// Text that is not well-formed is refused at every boundary, never silently changed into U+FFFD: JSON bodies
// (lone surrogates as "\ud800" escapes, or bytes that are not UTF-8), query strings and paths (percent-escapes that
// do not decode as UTF-8), and WebSocket frames. The kit's `text()` is the one refinement behind the schemas.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../src/app";
import { BASE, call, freshEmail, freshIp, registerUser, sessionTokenFrom } from "./helpers";

type Problem = { code: string; errors?: { path: string; message: string }[] };

let admin: Awaited<ReturnType<typeof registerUser>>;
let member: Awaited<ReturnType<typeof registerUser>>;

beforeAll(async () => {
  admin = await registerUser("admin");
  member = await registerUser("member");
  expect(admin.user.role).toBe("admin");
});

/** A 400 problem naming the field (when given) whose text is not well-formed. */
async function expectRefused(res: Response, path?: string) {
  expect(res.status).toBe(400);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
  const problem = await res.json<Problem>();
  expect(problem.code).toBe("invalid-request");
  if (path) {
    const issue = problem.errors?.find((e) => e.path === `body.${path}`);
    expect(issue?.message, JSON.stringify(problem.errors)).toMatch(/well-formed Unicode/);
  }
}

describe("passwords", () => {
  it("two passwords that differ only in a lone surrogate no longer sign in to one account", async () => {
    // What a lone surrogate became when it was encoded for hashing: U+FFFD.
    const email = freshEmail("surrogate");
    const registered = await call("/api/auth/register", {
      method: "POST",
      ip: freshIp(),
      json: { email, password: "pass-\ufffd-word-xyz", displayName: "S" },
    });
    expect(registered.status).toBe(201);
    for (const password of ["pass-\ud800-word-xyz", "pass-\udfff-word-xyz"]) {
      const login = await call("/api/auth/login", { method: "POST", ip: freshIp(), json: { email, password } });
      await expectRefused(login, "password");
      expect(sessionTokenFrom(login)).toBeNull();
    }
    // The password itself still signs in.
    const real = await call("/api/auth/login", {
      method: "POST",
      ip: freshIp(),
      json: { email, password: "pass-\ufffd-word-xyz" },
    });
    expect(real.status).toBe(200);
  });

  it("refuses a new password with a lone surrogate, at registration and on change", async () => {
    const register = await call("/api/auth/register", {
      method: "POST",
      ip: freshIp(),
      json: { email: freshEmail("lone"), password: "pass-\ud800-word-xyz", displayName: "L" },
    });
    await expectRefused(register, "password");
    const change = await member.client.fetch("/api/users/me", {
      method: "PATCH",
      json: { password: { current: member.password, next: "another \udbff passphrase" } },
    });
    await expectRefused(change, "password.next");
  });
});

describe("names and other text in JSON bodies", () => {
  it("refuses a display name with a lone surrogate and keeps the old one", async () => {
    const res = await member.client.fetch("/api/users/me", { method: "PATCH", json: { displayName: "Mal\udc00lory" } });
    await expectRefused(res, "displayName");
    const me = await (await member.client.fetch("/api/auth/me")).json<{ displayName: string }>();
    expect(me.displayName).toBe("member");
  });

  it("refuses an email, a file name, a question, a conversation title and a flag description", async () => {
    await expectRefused(
      await admin.client.fetch("/api/rooms/lobby/members", { method: "POST", json: { email: "a\ud800@example.com" } }),
      "email",
    );
    await expectRefused(
      await member.client.fetch("/api/files/uploads", {
        method: "POST",
        json: { name: "report\ud800.pdf", size: 10_000_000 },
      }),
      "name",
    );
    await expectRefused(
      await member.client.fetch("/api/assistant/chat", { method: "POST", json: { message: "what is \udfff?" } }),
      "message",
    );
    await expectRefused(
      await member.client.fetch("/api/assistant/chat", {
        method: "POST",
        json: { message: "hello", history: [{ role: "user", content: "\ud83d" }] },
      }),
      "history.0.content",
    );
    await expectRefused(
      await member.client.fetch(`/api/assistant/conversations/${"0".repeat(32)}`, {
        method: "PATCH",
        json: { title: "Plans \udbff" },
      }),
      "title",
    );
    await expectRefused(
      await admin.client.fetch("/api/features/surrogates", {
        method: "PUT",
        json: { description: "\udc00", enabled: true, rolloutPercentage: 0 },
      }),
      "description",
    );
    expect((await admin.client.fetch("/api/features/surrogates")).status).toBe(404);
  });

  it("refuses a JSON body whose bytes are not UTF-8 (they would have become U+FFFD)", async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"displayName":"Ma'),
      0xff,
      0xfe,
      ...new TextEncoder().encode('llory"}'),
    ]);
    const res = await member.client.fetch("/api/users/me", {
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: bytes,
    });
    expect(res.status).toBe(400);
    expect((await res.json<Problem>()).code).toBe("malformed-text");
    const me = await (await member.client.fetch("/api/auth/me")).json<{ displayName: string }>();
    expect(me.displayName).toBe("member");
  });

  it("answers a JSON body the client cuts short with 400 body-length-mismatch, not a 500", async () => {
    // Called in-process, so the body stream's failure reaches the Worker as it does when a client disconnects
    // (through SELF the cut arrives as a body that merely ends early, which the JSON parser refuses anyway).
    for (const length of [undefined, "200"]) {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"email":"cut@example.com","pass'));
          controller.error(new Error("connection lost"));
        },
      });
      const headers: Record<string, string> = { "Content-Type": "application/json", "CF-Connecting-IP": freshIp() };
      if (length) headers["Content-Length"] = length;
      const request = new Request(`${BASE}/api/auth/login`, { method: "POST", headers, body });
      const ctx = createExecutionContext();
      const res = await app.fetch(request, env, ctx);
      await waitOnExecutionContext(ctx);
      expect(res.status, `Content-Length ${length}`).toBe(400);
      expect((await res.json<Problem>()).code).toBe("body-length-mismatch");
    }
  });

  it("still takes well-formed text from every plane, U+FFFD and astral characters included", async () => {
    const res = await member.client.fetch("/api/users/me", {
      method: "PATCH",
      json: { displayName: "Ana \ud83d\ude00 \ufffd" },
    });
    expect(res.status).toBe(200);
    const restored = await member.client.fetch("/api/users/me", { method: "PATCH", json: { displayName: "member" } });
    expect(restored.status).toBe(200);
  });
});

describe("query strings and paths", () => {
  it("refuses percent-escapes that do not decode as UTF-8, instead of searching for the raw escape", async () => {
    for (const q of ["%ED%A0%80", "ad%FFa", "%zz", "a%E2%82"]) {
      const res = await admin.client.fetch(`/api/users?q=${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json<Problem>()).code).toBe("malformed-url");
    }
    // A well-formed escape is a search as before.
    expect((await admin.client.fetch("/api/users?q=%C3%A9")).status).toBe(200);
    expect((await admin.client.fetch("/api/users?q=a+b")).status).toBe(200);
  });

  it("refuses an upload whose name (a query parameter) is not well-formed, and stores nothing", async () => {
    const res = await member.client.fetch("/api/files?name=a%ED%B0%80.txt", {
      method: "POST",
      headers: { "Content-Type": "application/octet-stream" },
      body: "hello",
    });
    expect(res.status).toBe(400);
    expect((await res.json<Problem>()).code).toBe("malformed-url");
    const list = await (await member.client.fetch("/api/files")).json<{ files: unknown[] }>();
    expect(list.files).toHaveLength(0);
  });

  it("refuses a path segment that does not decode", async () => {
    const res = await member.client.fetch("/api/rooms/%C0%AF/history");
    expect(res.status).toBe(400);
    expect((await res.json<Problem>()).code).toBe("malformed-url");
  });
});

describe("WebSocket frames", () => {
  it("answers a message with a lone surrogate with invalid-frame and stores nothing", async () => {
    const res = await member.client.fetch("/api/rooms/surrogates/ws", { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const ws = res.webSocket as WebSocket;
    ws.accept();
    const frames: { type: string; code?: string; clientMessageId?: string }[] = [];
    const arrived = (match: (f: (typeof frames)[number]) => boolean) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${JSON.stringify(frames)}`)), 5_000);
        const check = () => {
          if (frames.some(match)) {
            clearTimeout(timer);
            resolve();
          }
        };
        ws.addEventListener("message", check);
        check();
      });
    ws.addEventListener("message", (event) => frames.push(JSON.parse(String(event.data))));
    await arrived((f) => f.type === "welcome");
    // JSON.stringify writes the lone surrogate as the escape "\udc00": valid JSON, ill-formed text.
    ws.send(JSON.stringify({ type: "message", text: "hi \udc00 there", clientMessageId: "bad" }));
    await arrived((f) => f.type === "error" && f.code === "invalid-frame");
    ws.send(JSON.stringify({ type: "message", text: "hi \ud83d\ude00 there", clientMessageId: "good" }));
    await arrived((f) => f.type === "ack" && f.clientMessageId === "good");
    const history = await (await member.client.fetch("/api/rooms/surrogates/history")).json<{
      messages: { text: string }[];
    }>();
    expect(history.messages.map((m) => m.text)).toEqual(["hi \ud83d\ude00 there"]);
    ws.close(1000, "done");
  });
});

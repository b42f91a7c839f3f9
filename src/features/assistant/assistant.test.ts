// The assistant end to end: SSE framing and order, tools over real rooms and files, providers, faults, quota, flags.
import { createExecutionContext, env, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesOf, uploadOk } from "../../../test/files-helpers";
import { BASE, type Client, COOKIE_NAME, registerUser } from "../../../test/helpers";
import { app } from "../../app";
import { FileSearch } from "../files";
import type { ChatRoom } from "../rooms";
import { AssistantEventSchema } from "./assistant.schema";

interface Event {
  id: number;
  event: string;
  data: Record<string, unknown>;
}

function parseEvents(text: string): Event[] {
  return text
    .split("\n\n")
    .filter((block) => block.includes("event: "))
    .map((block) => {
      const get = (name: string) =>
        block
          .split("\n")
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2) ?? "";
      return { id: Number(get("id")), event: get("event"), data: JSON.parse(get("data")) };
    });
}

/** Calls the app directly (so bindings can be replaced), reads `readEvents` events or the whole stream, then waits for waitUntil work. */
async function ask(
  client: Client,
  body: unknown,
  options: { overrides?: Record<string, unknown>; stopWhen?: (events: Event[]) => boolean; contentType?: string } = {},
) {
  const ctx = createExecutionContext();
  const headers = new Headers({
    Cookie: `${COOKIE_NAME}=${client.token}`,
    Origin: BASE,
    "CF-Connecting-IP": client.ip,
    "Content-Type": options.contentType ?? "application/json",
  });
  const res = await app.request(
    `${BASE}/api/assistant/chat`,
    { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) },
    { ...env, ...options.overrides } as Env,
    ctx,
  );
  let text = "";
  if (res.headers.get("Content-Type")?.startsWith("text/event-stream") && res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (options.stopWhen?.(parseEvents(text))) {
        await reader.cancel();
        break;
      }
    }
  } else {
    text = await res.text();
  }
  await waitOnExecutionContext(ctx);
  return { res, text, events: parseEvents(text) };
}

async function postToRoom(room: string, author: { id: string; name: string }, text: string) {
  await env.DB.prepare("INSERT OR IGNORE INTO rooms (name, created_at, created_by) VALUES (?, ?, ?)")
    .bind(room, new Date().toISOString(), author.id)
    .run();
  const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room));
  await runInDurableObject(stub, (instance: ChatRoom) => {
    instance.store.insert({ userId: author.id, displayName: author.name, text, now: Date.now() });
  });
}

/** A Workers AI double whose chat model streams SSE like the real one, or fails, or hangs until cancelled. */
function workersAi(mode: "ok" | "fail-mid" | "hang") {
  const state = { cancelled: false, calls: 0 };
  const deltas = ["The launch ", "is on ", "Tuesday ", "[1]."];
  return {
    state,
    binding: {
      async run(_model: string, _inputs: unknown) {
        state.calls++;
        const encoder = new TextEncoder();
        let i = 0;
        return new ReadableStream<Uint8Array>({
          pull(controller) {
            if (mode === "fail-mid" && i === 2) {
              controller.error(new Error("upstream reset"));
              return;
            }
            if (i < deltas.length) {
              controller.enqueue(encoder.encode(`data: ${JSON.stringify({ response: deltas[i++] })}\n\n`));
              return;
            }
            if (mode === "hang") return new Promise<void>(() => {});
            controller.enqueue(encoder.encode("data: [DONE]\n\n"));
            controller.close();
          },
          cancel() {
            state.cancelled = true;
          },
        });
      },
    },
    text: deltas.join(""),
  };
}

let admin: Client;
let ada: { client: Client; user: { id: string } };

beforeAll(async () => {
  admin = (await registerUser("admin")).client;
  ada = await registerUser("ada");
  await postToRoom(
    "launch",
    { id: ada.user.id, name: "Ada" },
    "We decided: the launch is on Tuesday after the review.",
  );
  await postToRoom("launch", { id: ada.user.id, name: "Ada" }, "Coffee machine is broken again.");
  await postToRoom("random", { id: ada.user.id, name: "Ada" }, "Lunch at noon?");
  const file = await uploadOk(ada.client, bytesOf("Launch checklist. The launch needs a press release and a demo."), {
    name: "launch-plan.txt",
    type: "text/plain",
  });
  await new FileSearch(env.DB).indexForSearch(
    { id: file.id, ownerId: ada.user.id, name: "launch-plan.txt" },
    {
      kind: "text",
      provider: "offline",
      generative: false,
      analysedAt: new Date().toISOString(),
      summary: "The launch needs a press release and a demo.",
      keywords: ["launch", "press", "demo"],
      characters: 60,
      truncated: false,
      embedding: null,
    },
  );
});

describe("POST /api/assistant/chat (offline provider)", () => {
  it("streams status, tools, citations and content, then exactly one done, and stores the conversation", async () => {
    const { res, events } = await ask(ada.client, { message: "What did we decide about the launch?" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/event-stream");
    expect(events[0]).toMatchObject({ event: "status", data: { state: "searching", provider: "offline" } });
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    const tools = events.filter((e) => e.event === "tool");
    expect(
      tools
        .filter((t) => t.data.phase === "end")
        .map((t) => t.data.name)
        .sort(),
    ).toEqual(["search_files", "search_messages"]);
    const citations = events.filter((e) => e.event === "citation").map((e) => e.data);
    expect(citations).toContainEqual(
      expect.objectContaining({ kind: "message", source: "launch", href: expect.stringContaining("/rooms/launch") }),
    );
    expect(citations).toContainEqual(expect.objectContaining({ kind: "file", title: "launch-plan.txt" }));
    expect(citations.some((c) => String(c.excerpt).includes("Coffee"))).toBe(false);
    const answer = events
      .filter((e) => e.event === "content")
      .map((e) => e.data.delta)
      .join("");
    expect(answer).toContain("the launch is on Tuesday");
    expect(answer).toContain("Offline provider");
    const terminal = events.filter((e) => e.event === "done" || e.event === "error");
    expect(terminal).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ event: "done", data: { usage: { provider: "offline" } } });
    const conversationId = String(events.at(-1)?.data.conversationId);

    const list = await (await ada.client.fetch("/api/assistant/conversations")).json<{
      conversations: { id: string; title: string }[];
    }>();
    expect(list.conversations[0]).toMatchObject({ id: conversationId, title: "What did we decide about the launch?" });
    const stored = await (await ada.client.fetch(`/api/assistant/conversations/${conversationId}`)).json<{
      messages: { role: string; content: string; status: string; citations: unknown[] }[];
    }>();
    expect(stored.messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(stored.messages[1]?.content).toBe(answer);
    expect(stored.messages[1]?.citations.length).toBe(citations.length);
    expect((await admin.fetch(`/api/assistant/conversations/${conversationId}`)).status).toBe(404);
  });

  it("reads counters and a named room when asked", async () => {
    await env.COUNTER.get(env.COUNTER.idFromName("visits")).increment(7);
    const { events } = await ask(ada.client, { message: "What is counter visits and what happened in #random?" });
    const names = events.filter((e) => e.event === "tool" && e.data.phase === "end").map((e) => e.data.name);
    expect(names).toEqual(expect.arrayContaining(["read_counter", "read_room"]));
    const answer = events
      .filter((e) => e.event === "content")
      .map((e) => e.data.delta)
      .join("");
    expect(answer).toContain("The counter visits is at 7.");
  });

  it("tries to preview a link in the question, and answers without it when there is none", async () => {
    const { events } = await ask(ada.client, { message: "What is at http://10.0.0.1/secret about the launch?" });
    const tool = events.find((e) => e.event === "tool" && e.data.name === "preview_link" && e.data.phase === "end");
    expect(tool?.data).toMatchObject({ results: 0 });
    expect(events.at(-1)?.event).toBe("done");
  });
});

describe("bad requests", () => {
  it("refuses non-JSON (415), missing or oversized questions and histories (400), huge bodies (413)", async () => {
    expect((await ask(ada.client, "What?", { contentType: "text/plain" })).res.status).toBe(415);
    expect((await ask(ada.client, "{not json")).res.status).toBe(400);
    expect((await ask(ada.client, {})).res.status).toBe(400);
    expect((await ask(ada.client, { message: "   " })).res.status).toBe(400);
    expect((await ask(ada.client, { message: "x".repeat(4_001) })).res.status).toBe(400);
    const history = Array.from({ length: 21 }, () => ({ role: "user", content: "hi" }));
    expect((await ask(ada.client, { message: "hi", history })).res.status).toBe(400);
    expect((await ask(ada.client, { message: "hi", maxTokens: 100_000 })).res.status).toBe(400);
    expect((await ask(ada.client, { message: "y".repeat(70_000) })).res.status).toBe(413);
    const unknown = await ask(ada.client, { message: "hi", conversationId: "a".repeat(32) });
    expect(unknown.res.status).toBe(404);
  });

  it("answers 403 when an admin turns the assistant flag off", async () => {
    const off = await admin.fetch("/api/features/assistant", {
      method: "PUT",
      json: { enabled: false, rolloutPercentage: 0 },
    });
    expect(off.status).toBe(200);
    const refused = await ask(ada.client, { message: "launch?" });
    expect(refused.res.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({ code: "assistant-disabled" });
    await admin.fetch("/api/features/assistant", { method: "DELETE" });
    expect((await ask(ada.client, { message: "launch?" })).res.status).toBe(200);
  });

  it("answers 429 with Retry-After past the per-user quota", async () => {
    const { client } = await registerUser("quota");
    const overrides = {
      RATE_LIMITS: JSON.stringify({
        assistant: { limit: 2, periodSeconds: 60 },
        api: { limit: 600, periodSeconds: 60 },
      }),
    };
    expect((await ask(client, { message: "launch?" }, { overrides })).res.status).toBe(200);
    expect((await ask(client, { message: "launch?" }, { overrides })).res.status).toBe(200);
    const third = await ask(client, { message: "launch?" }, { overrides });
    expect(third.res.status).toBe(429);
    expect(Number(third.res.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});

/** Ada asks "When is the launch?" with the Workers AI double in `mode`; `vars` adds to the overrides. */
async function askWorkersAi(
  mode: "ok" | "fail-mid" | "hang",
  options: { vars?: Record<string, string>; stopWhen?: (events: Event[]) => boolean } = {},
) {
  const ai = workersAi(mode);
  const overrides = { AI_PROVIDER: "workers-ai", AI: ai.binding, ...options.vars };
  const result = await ask(ada.client, { message: "When is the launch?" }, { overrides, stopWhen: options.stopWhen });
  return { ai, ...result };
}

describe("with Workers AI (test double)", () => {
  it("streams the model's deltas, with the passages as data in the prompt", async () => {
    const { ai, events } = await askWorkersAi("ok");
    expect(
      events
        .filter((e) => e.event === "content")
        .map((e) => e.data.delta)
        .join(""),
    ).toBe(ai.text);
    expect(events.at(-1)).toMatchObject({ event: "done", data: { usage: { provider: "workers-ai" } } });
  });

  it("ends with an error event, never done, when the model fails mid-answer", async () => {
    const { events } = await askWorkersAi("fail-mid");
    expect(events.filter((e) => e.event === "content").length).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({
      event: "error",
      data: { code: "provider-failed", requestId: expect.any(String) },
    });
    expect(events.some((e) => e.event === "done")).toBe(false);
    expect(JSON.stringify(events.at(-1))).not.toContain("upstream reset");
  });

  it("cancels the model's stream within one event when the client disconnects mid-answer, and stores it as stopped", async () => {
    const { ai, events } = await askWorkersAi("hang", { stopWhen: (seen) => seen.some((e) => e.event === "content") });
    expect(events.filter((e) => e.event === "content").length).toBeGreaterThan(0);
    expect(events.some((e) => e.event === "done" || e.event === "error")).toBe(false);
    // waitOnExecutionContext returned: the producer finished, which it can only do once the hanging
    // upstream was cancelled.
    expect(ai.state.cancelled).toBe(true);
    const list = await (await ada.client.fetch("/api/assistant/conversations")).json<{
      conversations: { id: string }[];
    }>();
    const latest = list.conversations[0]?.id ?? "";
    const stored = await (await ada.client.fetch(`/api/assistant/conversations/${latest}`)).json<{
      messages: { status: string; content: string }[];
    }>();
    expect(stored.messages.at(-1)?.status).toBe("stopped");
    expect(ai.text.startsWith(stored.messages.at(-1)?.content ?? "x")).toBe(true);
  });
});

describe("AssistantEventSchema", () => {
  /** Every event parses, and parsing drops nothing: the schema describes every field the server sends. */
  function expectEveryEventParses(events: Event[]) {
    expect(events.length).toBeGreaterThan(0);
    for (const { event, data } of events) {
      const parsed = AssistantEventSchema.safeParse({ event, data });
      expect(parsed.error?.issues, `${event} ${JSON.stringify(data)}`).toBeUndefined();
      expect(parsed.data).toStrictEqual({ event, data });
    }
  }

  it("parses every event of a real answer from the offline provider", async () => {
    const { events } = await ask(ada.client, { message: "What did we decide about the launch and counter visits?" });
    expect(new Set(events.map((e) => e.event))).toEqual(new Set(["status", "tool", "citation", "content", "done"]));
    expectEveryEventParses(events);
  });

  it("parses every event with Workers AI: an answer, a failure mid-answer, a failed tool and a budget error", async () => {
    const ok = await askWorkersAi("ok");
    expect(ok.events.at(-1)?.event).toBe("done");
    expectEveryEventParses(ok.events);
    const failed = await askWorkersAi("fail-mid");
    expect(failed.events.at(-1)).toMatchObject({ event: "error", data: { code: "provider-failed" } });
    expectEveryEventParses(failed.events);
    // A budget of one subrequest: one of the two searches fails, then the model cannot be called.
    const starved = await askWorkersAi("ok", { vars: { SUBREQUEST_BUDGET: "1" } });
    expect(starved.events).toContainEqual(
      expect.objectContaining({
        event: "tool",
        data: expect.objectContaining({ error: "subrequest budget exhausted" }),
      }),
    );
    expect(starved.events.at(-1)).toMatchObject({ event: "error", data: { code: "budget-exhausted" } });
    expectEveryEventParses(starved.events);
  });

  it("rejects malformed and unknown events", () => {
    const usage = { outputChars: 1, events: 2, subrequests: 0, provider: "offline" };
    const citation = { index: 1, kind: "file", source: "f1", title: "t", excerpt: "e", href: "/files?file=f1" };
    expect(AssistantEventSchema.safeParse({ event: "content", data: { delta: "ok" } }).success).toBe(true);
    for (const bad of [
      { event: "content", data: {} },
      { event: "content", data: { text: "no delta" } },
      { event: "content", data: { delta: 42 } },
      { event: "content", data: "a string" },
      { event: "content" },
      { event: "status", data: { state: "thinking", provider: "offline", conversationId: "c" } },
      { event: "tool", data: { name: "search_files", phase: "middle" } },
      { event: "citation", data: { ...citation, href: undefined } },
      { event: "citation", data: { ...citation, kind: "email" } },
      { event: "done", data: { conversationId: "c" } },
      { event: "done", data: { conversationId: "c", usage: { ...usage, events: "2" } } },
      { event: "error", data: { code: "internal", message: "m" } },
      { event: "telemetry", data: { delta: "unknown event" } },
      { data: { delta: "no event" } },
    ]) {
      expect(AssistantEventSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

// The assistant end to end: SSE framing and order, tools over real rooms and files, providers, faults, quota, flags.
import { createExecutionContext, env, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesOf, uploadOk } from "../../../test/files-helpers";
import { BASE, type Client, COOKIE_NAME, registerUser } from "../../../test/helpers";
import { app } from "../../app";
import { FileSearch } from "../files";
import type { ChatRoom } from "../rooms";
import { AssistantEventSchema, ConversationMessageSchema } from "./assistant.schema";
import { ConversationStore } from "./conversation-store";

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

interface StoredMessage {
  role: "user" | "assistant";
  content: string;
  status: string;
  citations: Record<string, unknown>[];
  steps: { name: string; state: string; ms?: number; results?: number; error?: string }[];
}

async function readConversation(client: Client, id: string) {
  const res = await client.fetch(`/api/assistant/conversations/${id}`);
  expect(res.status).toBe(200);
  const body = await res.json<{ conversation: { id: string; title: string }; messages: StoredMessage[] }>();
  expect(ConversationMessageSchema.array().safeParse(body.messages).error).toBeUndefined();
  return body;
}

/** The conversation id an answer's first event names. */
function conversationOf(events: Event[]): string {
  const id = events.find((e) => e.event === "status")?.data.conversationId;
  if (typeof id !== "string") throw new Error("no status event");
  return id;
}

/** Calls the app directly (so bindings can be replaced), reads `readEvents` events or the whole stream, then waits for waitUntil work. */
async function ask(
  client: Client,
  body: unknown,
  options: {
    overrides?: Record<string, unknown>;
    stopWhen?: (events: Event[]) => boolean;
    /** Runs once stopWhen is met, while the stream is still open (before the reader cancels). */
    whileOpen?: (events: Event[]) => Promise<void>;
    contentType?: string;
  } = {},
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
        await options.whileOpen?.(parseEvents(text));
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
let launchPlanId: string;

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
  launchPlanId = file.id;
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
    // Each source leads somewhere: the message in its room, or the file on the files page.
    const message = citations.find((c) => c.kind === "message" && String(c.excerpt).includes("Tuesday"));
    expect(message).toMatchObject({ source: "launch", room: "launch", messageId: expect.any(Number) });
    expect(message?.href).toBe(`/rooms/launch?message=${message?.messageId}`);
    expect(citations).toContainEqual(
      expect.objectContaining({
        kind: "file",
        title: "launch-plan.txt",
        fileId: launchPlanId,
        source: launchPlanId,
        href: `/files?file=${launchPlanId}`,
      }),
    );
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
    const stored = await readConversation(ada.client, conversationId);
    expect(stored.conversation).toMatchObject({ id: conversationId, title: "What did we decide about the launch?" });
    expect(stored.messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(stored.messages[0]?.steps).toEqual([]);
    expect(stored.messages[1]?.content).toBe(answer);
    expect(stored.messages[1]?.citations).toEqual(citations);
    expect(stored.messages[1]?.steps).toEqual([
      { name: "search_messages", state: "done", ms: expect.any(Number), results: expect.any(Number) },
      { name: "search_files", state: "done", ms: expect.any(Number), results: expect.any(Number) },
    ]);
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
  options: {
    vars?: Record<string, string>;
    stopWhen?: (events: Event[]) => boolean;
    whileOpen?: (events: Event[]) => Promise<void>;
  } = {},
) {
  const ai = workersAi(mode);
  const overrides = { AI_PROVIDER: "workers-ai", AI: ai.binding, ...options.vars };
  const { vars: _vars, ...rest } = options;
  const result = await ask(ada.client, { message: "When is the launch?" }, { overrides, ...rest });
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
    const stored = await readConversation(ada.client, conversationOf(events));
    const turn = stored.messages.at(-1);
    expect(turn?.status).toBe("stopped");
    expect(turn?.content).not.toBe("");
    expect(ai.text.startsWith(turn?.content ?? "x")).toBe(true);
    // The steps and sources it had so far are kept with it.
    expect(turn?.steps.map((s) => [s.name, s.state])).toEqual([
      ["search_messages", "done"],
      ["search_files", "done"],
    ]);
    expect(turn?.citations).toEqual(events.filter((e) => e.event === "citation").map((e) => e.data));
    expect(turn?.citations.length).toBeGreaterThan(0);
  });

  it("stores a failed answer as failed, with its partial text and steps", async () => {
    const { events } = await askWorkersAi("fail-mid");
    const turn = (await readConversation(ada.client, conversationOf(events))).messages.at(-1);
    expect(turn).toMatchObject({ role: "assistant", status: "failed", content: "The launch is on " });
    expect(turn?.steps.map((s) => s.state)).toEqual(["done", "done"]);
  });
});

describe("stopped answers keep their state", () => {
  it("stores the turn before the answer streams, so it reads back (as stopped) even if it never ends", async () => {
    let whileStreaming: StoredMessage[] = [];
    const { events } = await askWorkersAi("hang", {
      stopWhen: (seen) => seen.some((e) => e.event === "content"),
      whileOpen: async (seen) => {
        whileStreaming = (await readConversation(ada.client, conversationOf(seen))).messages;
      },
    });
    expect(whileStreaming.slice(-2)).toMatchObject([
      { role: "user", content: "When is the launch?", status: "complete" },
      { role: "assistant", content: "", status: "stopped", steps: [] },
    ]);
    // Once the client is gone, the producer's finally fills the same turn in: no duplicate.
    const after = (await readConversation(ada.client, conversationOf(events))).messages;
    expect(after).toHaveLength(whileStreaming.length);
    expect(after.at(-1)).toMatchObject({ status: "stopped", content: expect.stringMatching(/^The launch/) });
  });

  it("keeps the steps of an answer stopped while its tools run, and none is left running", async () => {
    const { events } = await ask(
      ada.client,
      { message: "Anything about the launch in #launch?" },
      { stopWhen: (seen) => seen.some((e) => e.event === "tool") },
    );
    expect(events.some((e) => e.event === "content" || e.event === "done")).toBe(false);
    const turn = (await readConversation(ada.client, conversationOf(events))).messages.at(-1);
    expect(turn).toMatchObject({ role: "assistant", status: "stopped", content: "" });
    expect(turn?.steps.length).toBeGreaterThan(0);
    for (const step of turn?.steps ?? []) expect(["done", "stopped"]).toContain(step.state);
  });
});

describe("regenerate", () => {
  it("replaces the last turn instead of appending a second answer to the same question", async () => {
    const first = await ask(ada.client, { message: "What about the coffee machine?" });
    const conversationId = conversationOf(first.events);
    await ask(ada.client, { message: "And the launch?", conversationId });
    const before = (await readConversation(ada.client, conversationId)).messages;
    expect(before.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);

    const again = await ask(ada.client, { message: "And the launch?", conversationId, regenerate: true });
    expect(again.events.at(-1)?.event).toBe("done");
    const after = (await readConversation(ada.client, conversationId)).messages;
    expect(after.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(after[2]?.content).toBe("And the launch?");
    expect(after[3]?.content).toBe(
      again.events
        .filter((e) => e.event === "content")
        .map((e) => e.data.delta)
        .join(""),
    );
  });

  it("needs a conversation: 400 without conversationId, 404 for another user's", async () => {
    const alone = await ask(ada.client, { message: "launch?", regenerate: true });
    expect(alone.res.status).toBe(400);
    expect(alone.res.headers.get("Content-Type")).toContain("application/problem+json");
    expect(JSON.parse(alone.text)).toMatchObject({
      code: "invalid-request",
      errors: [expect.objectContaining({ path: "body.regenerate" })],
    });
    const mine = conversationOf((await ask(ada.client, { message: "launch?" })).events);
    const foreign = await ask(admin, { message: "launch?", conversationId: mine, regenerate: true });
    expect(foreign.res.status).toBe(404);
    expect((await readConversation(ada.client, mine)).messages).toHaveLength(2);
  });

  it("appends when the conversation has no turn yet", async () => {
    const id = await new ConversationStore(env.DB).open(ada.user.id, undefined, "empty");
    const { events } = await ask(ada.client, { message: "launch?", conversationId: id, regenerate: true });
    expect(events.at(-1)?.event).toBe("done");
    expect((await readConversation(ada.client, String(id))).messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  });
});

describe("stored citations", () => {
  it("reads citations stored in the old form (`/rooms/x#m5`, no fileId) with their structured fields", async () => {
    const store = new ConversationStore(env.DB);
    const id = String(await store.open(ada.user.id, undefined, "old"));
    const old = [
      { index: 1, kind: "message", source: "launch", title: "#launch", excerpt: "e", href: "/rooms/launch#m7" },
      {
        index: 2,
        kind: "file",
        source: "f".repeat(32),
        title: "a.txt",
        excerpt: "e",
        href: `/files?file=${"f".repeat(32)}`,
      },
    ];
    await env.DB.prepare(
      "INSERT INTO assistant_messages (conversation_id, role, content, citations, status, created_at) VALUES (?, 'assistant', 'old answer', ?, 'complete', ?)",
    )
      .bind(id, JSON.stringify(old), new Date().toISOString())
      .run();
    const [message] = (await readConversation(ada.client, id)).messages;
    expect(message?.steps).toEqual([]);
    expect(message?.citations).toEqual([
      { ...old[0], room: "launch", messageId: 7, href: "/rooms/launch?message=7" },
      { ...old[1], fileId: "f".repeat(32) },
    ]);
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

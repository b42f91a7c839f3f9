// Managing past conversations: rename and delete, owner-only (another user's reads as none), in OpenAPI.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, call, registerUser } from "../../../test/helpers";
import { ConversationStore } from "./conversation-store";

let ada: { client: Client; user: { id: string } };
let bob: Client;

beforeAll(async () => {
  await registerUser("admin");
  ada = await registerUser("ada");
  bob = (await registerUser("bob")).client;
});

/** One of Ada's conversations with one finished turn, stored directly. */
async function seedConversation(question = "When is the launch?"): Promise<string> {
  const store = new ConversationStore(env.DB);
  const id = await store.open(ada.user.id, undefined, question);
  if (!id) throw new Error("not opened");
  const answerId = await store.startTurn(id, question);
  await store.finishTurn(id, answerId, {
    content: "On Tuesday.",
    citations: [],
    steps: [{ name: "search_files", state: "done", ms: 3, results: 0 }],
    status: "complete",
  });
  return id;
}

function rename(client: Client, id: string, title: unknown) {
  return client.fetch(`/api/assistant/conversations/${id}`, { method: "PATCH", json: { title } });
}

describe("PATCH /api/assistant/conversations/{id}", () => {
  it("renames my conversation with the trimmed title and answers its summary", async () => {
    const id = await seedConversation();
    const before = await new ConversationStore(env.DB).find(ada.user.id, id);
    const res = await rename(ada.client, id, "  Launch planning  ");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      id,
      title: "Launch planning",
      createdAt: before?.createdAt,
      updatedAt: before?.updatedAt,
    });
    const list = await (await ada.client.fetch("/api/assistant/conversations")).json<{
      conversations: { id: string; title: string }[];
    }>();
    expect(list.conversations.find((c) => c.id === id)?.title).toBe("Launch planning");
    expect(await rename(ada.client, id, "x".repeat(120))).toHaveProperty("status", 200);
  });

  it.each([
    ["empty", ""],
    ["blank", "   "],
    ["too long", "x".repeat(121)],
    ["not a string", 42],
  ])("refuses a title that is %s with 400 problem+json", async (_, title) => {
    const id = await seedConversation();
    const res = await rename(ada.client, id, title);
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({
      code: "invalid-request",
      errors: [expect.objectContaining({ path: "body.title" })],
    });
    expect((await new ConversationStore(env.DB).find(ada.user.id, id))?.title).toBe("When is the launch?");
  });

  it("refuses unknown fields", async () => {
    const id = await seedConversation();
    const res = await ada.client.fetch(`/api/assistant/conversations/${id}`, {
      method: "PATCH",
      json: { title: "ok", owner: "me" },
    });
    expect(res.status).toBe(400);
  });

  it("answers 404 for another user's conversation, as for one that does not exist, and changes nothing", async () => {
    const id = await seedConversation();
    const foreign = await rename(bob, id, "mine now");
    const missing = await rename(bob, "0".repeat(32), "mine now");
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ code: "not-found", detail: "No such conversation" });
    expect((await new ConversationStore(env.DB).find(ada.user.id, id))?.title).toBe("When is the launch?");
  });

  it("needs a session", async () => {
    const id = await seedConversation();
    const res = await call(`/api/assistant/conversations/${id}`, { method: "PATCH", json: { title: "x" } });
    expect(res.status).toBe(401);
  });
});

describe("DELETE /api/assistant/conversations/{id}", () => {
  it("deletes my conversation and its messages (204), then it is gone (404)", async () => {
    const id = await seedConversation();
    const res = await ada.client.fetch(`/api/assistant/conversations/${id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect((await ada.client.fetch(`/api/assistant/conversations/${id}`)).status).toBe(404);
    const list = await (await ada.client.fetch("/api/assistant/conversations")).json<{
      conversations: { id: string }[];
    }>();
    expect(list.conversations.map((c) => c.id)).not.toContain(id);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM assistant_messages WHERE conversation_id = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    expect((await ada.client.fetch(`/api/assistant/conversations/${id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("answers 404 for another user's conversation and keeps it and its messages", async () => {
    const id = await seedConversation();
    const res = await bob.fetch(`/api/assistant/conversations/${id}`, { method: "DELETE" });
    expect(res.status).toBe(404);
    const kept = await ada.client.fetch(`/api/assistant/conversations/${id}`);
    expect(kept.status).toBe(200);
    expect((await kept.json<{ messages: unknown[] }>()).messages).toHaveLength(2);
    expect((await bob.fetch(`/api/assistant/conversations/${id}`)).status).toBe(404);
  });
});

describe("GET /api/assistant/conversations/{id}", () => {
  it("answers the conversation with each message's status and steps", async () => {
    const id = await seedConversation();
    const res = await ada.client.fetch(`/api/assistant/conversations/${id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      conversation: expect.objectContaining({ id, title: "When is the launch?" }),
      messages: [
        expect.objectContaining({ role: "user", status: "complete", steps: [], citations: [] }),
        expect.objectContaining({
          role: "assistant",
          content: "On Tuesday.",
          status: "complete",
          steps: [{ name: "search_files", state: "done", ms: 3, results: 0 }],
        }),
      ],
    });
  });
});

describe("OpenAPI", () => {
  it("documents rename and delete with their bodies and answers", async () => {
    const doc = await (await call("/api/openapi.json")).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    }>();
    const item = doc.paths["/api/assistant/conversations/{id}"];
    expect(Object.keys(item ?? {})).toEqual(expect.arrayContaining(["get", "patch", "delete"]));
    expect(Object.keys(item?.patch?.responses ?? {})).toEqual(expect.arrayContaining(["200", "400", "404"]));
    expect(Object.keys(item?.delete?.responses ?? {})).toEqual(expect.arrayContaining(["204", "404"]));
    expect(doc.components.schemas.ConversationRename?.properties).toHaveProperty("title");
    expect(doc.components.schemas.ConversationMessage?.properties).toHaveProperty("steps");
    expect(doc.components.schemas.Citation?.properties).toEqual(
      expect.objectContaining({ room: expect.anything(), messageId: expect.anything(), fileId: expect.anything() }),
    );
    expect(doc.components.schemas.ChatRequest?.properties).toHaveProperty("regenerate");
  });
});

// Assistant conversations in D1: one row per conversation, one per message, owner-scoped.
import { z } from "@hono/zod-openapi";
import { randomId } from "@outpost/edge-kit/crypto";
import { type Citation, CitationSchema } from "./assistant.schema";

const CitationsSchema = z.array(CitationSchema);

export class ConversationStore {
  constructor(private readonly db: D1Database) {}

  /** The caller's conversation, or a new one titled after the first question. */
  async open(ownerId: string, id: string | undefined, question: string): Promise<string | null> {
    const now = new Date().toISOString();
    if (id) {
      const row = await this.db
        .prepare("SELECT id FROM assistant_conversations WHERE id = ? AND owner_id = ?")
        .bind(id, ownerId)
        .first<{ id: string }>();
      return row ? row.id : null;
    }
    const created = randomId();
    await this.db
      .prepare(
        "INSERT INTO assistant_conversations (id, owner_id, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
      )
      .bind(created, ownerId, question.slice(0, 80), now, now)
      .run();
    return created;
  }

  async append(
    conversationId: string,
    messages: {
      role: "user" | "assistant";
      content: string;
      citations: Citation[];
      status: "complete" | "stopped" | "failed";
    }[],
  ): Promise<void> {
    const now = new Date().toISOString();
    await this.db.batch([
      ...messages.map((m) =>
        this.db
          .prepare(
            "INSERT INTO assistant_messages (conversation_id, role, content, citations, status, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          )
          .bind(
            conversationId,
            m.role,
            m.content.slice(0, 20_000),
            JSON.stringify(CitationsSchema.parse(m.citations)),
            m.status,
            now,
          ),
      ),
      this.db.prepare("UPDATE assistant_conversations SET updated_at = ? WHERE id = ?").bind(now, conversationId),
    ]);
  }

  async list(ownerId: string, limit = 50) {
    const rows = await this.db
      .prepare(
        "SELECT id, title, created_at, updated_at FROM assistant_conversations WHERE owner_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?",
      )
      .bind(ownerId, limit)
      .all<{ id: string; title: string; created_at: string; updated_at: string }>();
    return rows.results.map((r) => ({ id: r.id, title: r.title, createdAt: r.created_at, updatedAt: r.updated_at }));
  }

  async messages(ownerId: string, id: string) {
    const owned = await this.db
      .prepare("SELECT id FROM assistant_conversations WHERE id = ? AND owner_id = ?")
      .bind(id, ownerId)
      .first();
    if (!owned) return null;
    const rows = await this.db
      .prepare(
        "SELECT role, content, citations, status, created_at FROM assistant_messages WHERE conversation_id = ? ORDER BY id LIMIT 500",
      )
      .bind(id)
      .all<{
        role: "user" | "assistant";
        content: string;
        citations: string | null;
        status: "complete" | "stopped" | "failed";
        created_at: string;
      }>();
    return rows.results.map((r) => {
      let citations: Citation[] = [];
      try {
        const parsed = CitationsSchema.safeParse(JSON.parse(r.citations ?? "[]"));
        if (parsed.success) citations = parsed.data;
      } catch {}
      return { role: r.role, content: r.content, citations, status: r.status, createdAt: r.created_at };
    });
  }
}

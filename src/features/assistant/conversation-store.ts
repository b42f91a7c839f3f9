// Assistant conversations in D1: one row per conversation, one per message, owner-scoped.
import { z } from "@hono/zod-openapi";
import { randomId } from "@outpost/edge-kit/crypto";
import {
  type AssistantStep,
  AssistantStepSchema,
  type Citation,
  CitationSchema,
  type Conversation,
  type ConversationMessage,
  type TurnStatus,
} from "./assistant.schema";
import { upgradeCitation } from "./citation-links";

const CitationsSchema = z.array(CitationSchema);
const StepsSchema = z.array(AssistantStepSchema);
const MAX_CONTENT = 20_000;

/** Where a stored answer ended up: its text, citations and steps so far, and how it ended. */
export interface TurnOutcome {
  content: string;
  citations: Citation[];
  steps: AssistantStep[];
  status: TurnStatus;
}

interface ConversationRow {
  id: string;
  title: string;
  created_at: string;
  updated_at: string;
}

function toConversation(r: ConversationRow): Conversation {
  return { id: r.id, title: r.title, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** JSON read back from D1, parsed with its schema; anything unreadable becomes `[]`. */
function parseList<T>(schema: z.ZodType<T[]>, text: string | null): T[] {
  try {
    const parsed = schema.safeParse(JSON.parse(text ?? "[]"));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

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

  /**
   * Stores a new turn before the answer starts: the question, and an empty answer marked `stopped`, which
   * `finishTurn` overwrites. Should the isolate go away before the answer ends (past `waitUntil`'s grace
   * period, or evicted), the turn still reads back, as stopped. With `replaceLast`, the conversation's last
   * turn (its last question and everything after it) is deleted in the same batch (D1's transaction).
   * Resolves to the answer's row id.
   */
  async startTurn(conversationId: string, question: string, options: { replaceLast?: boolean } = {}): Promise<number> {
    const now = new Date().toISOString();
    const insert =
      "INSERT INTO assistant_messages (conversation_id, role, content, citations, steps, status, created_at) VALUES (?, ?, ?, '[]', '[]', ?, ?)";
    const statements = [
      this.db.prepare(insert).bind(conversationId, "user", question.slice(0, MAX_CONTENT), "complete", now),
      this.db.prepare(`${insert} RETURNING id`).bind(conversationId, "assistant", "", "stopped", now),
      this.db.prepare("UPDATE assistant_conversations SET updated_at = ? WHERE id = ?").bind(now, conversationId),
    ];
    if (options.replaceLast) {
      statements.unshift(
        this.db
          .prepare(
            "DELETE FROM assistant_messages WHERE conversation_id = ?1 AND id >= (SELECT MAX(id) FROM assistant_messages WHERE conversation_id = ?1 AND role = 'user')",
          )
          .bind(conversationId),
      );
    }
    const results = await this.db.batch<{ id: number }>(statements);
    const id = results[options.replaceLast ? 2 : 1]?.results[0]?.id;
    if (typeof id !== "number") throw new Error("the answer's row id was not returned");
    return id;
  }

  /** Records how the answer ended: its text, citations and steps so far, and its status. */
  async finishTurn(conversationId: string, answerId: number, outcome: TurnOutcome): Promise<void> {
    const now = new Date().toISOString();
    await this.db.batch([
      this.db
        .prepare(
          "UPDATE assistant_messages SET content = ?, citations = ?, steps = ?, status = ? WHERE id = ? AND conversation_id = ? AND role = 'assistant'",
        )
        .bind(
          outcome.content.slice(0, MAX_CONTENT),
          JSON.stringify(CitationsSchema.parse(outcome.citations)),
          JSON.stringify(StepsSchema.parse(outcome.steps)),
          outcome.status,
          answerId,
          conversationId,
        ),
      this.db.prepare("UPDATE assistant_conversations SET updated_at = ? WHERE id = ?").bind(now, conversationId),
    ]);
  }

  async list(ownerId: string, limit = 50): Promise<Conversation[]> {
    const rows = await this.db
      .prepare(
        "SELECT id, title, created_at, updated_at FROM assistant_conversations WHERE owner_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?",
      )
      .bind(ownerId, limit)
      .all<ConversationRow>();
    return rows.results.map(toConversation);
  }

  /** The caller's conversation, or null (another user's reads as none at all). */
  async find(ownerId: string, id: string): Promise<Conversation | null> {
    const row = await this.db
      .prepare("SELECT id, title, created_at, updated_at FROM assistant_conversations WHERE id = ? AND owner_id = ?")
      .bind(id, ownerId)
      .first<ConversationRow>();
    return row ? toConversation(row) : null;
  }

  /** Renames the caller's conversation; null when it is not theirs. Its `updatedAt` (last activity) stays. */
  async rename(ownerId: string, id: string, title: string): Promise<Conversation | null> {
    const row = await this.db
      .prepare(
        "UPDATE assistant_conversations SET title = ? WHERE id = ? AND owner_id = ? RETURNING id, title, created_at, updated_at",
      )
      .bind(title, id, ownerId)
      .first<ConversationRow>();
    return row ? toConversation(row) : null;
  }

  /** Deletes the caller's conversation and its messages; false when it is not theirs. */
  async remove(ownerId: string, id: string): Promise<boolean> {
    // The messages go only if the conversation is the caller's: the owner check is inside the statement.
    const [, conversation] = await this.db.batch([
      this.db
        .prepare(
          "DELETE FROM assistant_messages WHERE conversation_id = (SELECT id FROM assistant_conversations WHERE id = ? AND owner_id = ?)",
        )
        .bind(id, ownerId),
      this.db.prepare("DELETE FROM assistant_conversations WHERE id = ? AND owner_id = ?").bind(id, ownerId),
    ]);
    return conversation?.meta.changes === 1;
  }

  /** The caller's conversation with its messages, oldest first; null when it is not theirs. */
  async read(
    ownerId: string,
    id: string,
  ): Promise<{ conversation: Conversation; messages: ConversationMessage[] } | null> {
    const conversation = await this.find(ownerId, id);
    if (!conversation) return null;
    const rows = await this.db
      .prepare(
        "SELECT role, content, citations, steps, status, created_at FROM assistant_messages WHERE conversation_id = ? ORDER BY id LIMIT 500",
      )
      .bind(id)
      .all<{
        role: "user" | "assistant";
        content: string;
        citations: string | null;
        steps: string | null;
        status: TurnStatus;
        created_at: string;
      }>();
    const messages = rows.results.map((r) => ({
      role: r.role,
      content: r.content,
      citations: parseList(CitationsSchema, r.citations).map(upgradeCitation),
      status: r.status,
      steps: parseList(StepsSchema, r.steps),
      createdAt: r.created_at,
    }));
    return { conversation, messages };
  }
}

// The assistant page's model: a conversation as turns (a question and its answer), built from stored messages
// or from a live stream, and what a request's history holds.
import {
  type AssistantStep,
  type Citation,
  type ConversationMessage,
  MAX_QUESTION,
} from "../../../features/assistant/assistant.schema";

/** How an answer stands: `streaming` only for the live turn; the rest are the stored statuses. */
export type TurnState = "streaming" | "complete" | "stopped" | "failed";

export interface Turn {
  /** Stable for React: the conversation's id and the turn's position in it (or a live key). */
  key: string;
  question: string;
  answer: string;
  steps: AssistantStep[];
  citations: Citation[];
  state: TurnState;
  /** `searching` until the answer starts, then `answering` (live turns only). */
  phase?: "searching" | "answering";
  /** A sentence to show when the answer failed. */
  error?: string;
  /**
   * Whether the server stored this turn (it does once the stream starts). Retrying a stored turn replaces it
   * (`regenerate`); one refused before it started (problem+json, no connection) is simply sent again.
   */
  stored: boolean;
}

/** Stored messages (oldest first) as turns: each question with the answer that follows it. */
export function toTurns(conversationId: string, messages: readonly ConversationMessage[]): Turn[] {
  const turns: Turn[] = [];
  for (const message of messages) {
    const last = turns.at(-1);
    if (message.role === "user" || !last) {
      turns.push({
        key: `${conversationId}:${turns.length}`,
        question: message.role === "user" ? message.content : "",
        answer: message.role === "user" ? "" : message.content,
        steps: message.role === "user" ? [] : message.steps,
        citations: message.role === "user" ? [] : message.citations,
        // A question with no answer stored after it was cut off before the answer row existed.
        state: message.role === "user" ? "stopped" : message.status,
        stored: true,
      });
    } else {
      Object.assign(last, {
        answer: message.content,
        steps: message.steps,
        citations: message.citations,
        state: message.status,
      });
    }
  }
  return turns;
}

/** A finished turn as the stored messages it becomes (for the query cache, until the server's copy is read). */
export function toMessages(turn: Turn, at = new Date().toISOString()): ConversationMessage[] {
  return [
    { role: "user", content: turn.question, citations: [], status: "complete", steps: [], createdAt: at },
    {
      role: "assistant",
      content: turn.answer,
      citations: turn.citations,
      status: turn.state === "streaming" ? "stopped" : turn.state,
      steps: turn.steps.map((s) => (s.state === "running" ? { ...s, state: "stopped" } : s)),
      createdAt: at,
    },
  ];
}

/** At most this many earlier turns go with a question (the API takes 20 messages). */
const HISTORY_TURNS = 10;

/** The conversation so far as the API's `history`: complete answers only, newest last, each within the limit. */
export function historyOf(turns: readonly Turn[]): { role: "user" | "assistant"; content: string }[] {
  return turns
    .filter((t) => t.state === "complete" && t.question && t.answer)
    .slice(-HISTORY_TURNS)
    .flatMap((t) => [
      { role: "user" as const, content: t.question.slice(0, MAX_QUESTION) },
      { role: "assistant" as const, content: t.answer.slice(0, MAX_QUESTION) },
    ]);
}

/** The tools as people would say what they do: while running, and once done. */
const TOOLS: Record<string, { running: string; done: string }> = {
  search_messages: { running: "Searching room messages", done: "Searched room messages" },
  search_files: { running: "Searching your files", done: "Searched your files" },
  read_room: { running: "Reading the room", done: "Read the room" },
  read_counter: { running: "Reading the counter", done: "Read the counter" },
  preview_link: { running: "Previewing the link", done: "Previewed the link" },
};

export function toolLabel(name: string, state: AssistantStep["state"]): string {
  const words = TOOLS[name];
  if (!words) return name.replaceAll("_", " ");
  return state === "running" ? words.running : words.done;
}

/** "0 results", "1 result", "6 results". */
export function resultCount(n: number): string {
  return `${n} result${n === 1 ? "" : "s"}`;
}

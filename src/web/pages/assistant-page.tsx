// The assistant: ask about my rooms and files, watch the steps and the answer stream in, stop it, revisit past ones.

import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import {
  type AssistantEvent,
  AssistantEventSchema,
  ChatRequestSchema,
  type Citation,
  MAX_QUESTION,
} from "../../features/assistant/assistant.schema";
import { ApiError, api, describeProblem, type ProblemBody } from "../lib/api";
import { formatTime } from "../lib/format";
import { readSse } from "../lib/sse-client";

interface Step {
  name: string;
  state: "running" | "done" | "failed";
  ms?: number;
  results?: number;
}

interface Turn {
  key: string;
  question: string;
  answer: string;
  steps: Step[];
  citations: Citation[];
  state: "streaming" | "complete" | "stopped" | "failed";
  error?: string;
}

interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: string;
}

const TOOL_NAMES: Record<string, string> = {
  search_messages: "Searching room messages",
  search_files: "Searching your files",
  read_room: "Reading the room",
  read_counter: "Reading the counter",
  preview_link: "Previewing the link",
};

function Citations({ citations }: { citations: Citation[] }) {
  if (citations.length === 0) return null;
  return (
    <ol className="citations" aria-label="Sources">
      {citations.map((c) => (
        <li key={c.index} value={c.index}>
          {c.href.startsWith("/") && !c.href.startsWith("/api/") ? (
            <Link to={c.href}>{c.title}</Link>
          ) : (
            <a href={c.href}>{c.title}</a>
          )}
          <span className="hint"> — {c.excerpt.slice(0, 160)}</span>
        </li>
      ))}
    </ol>
  );
}

export function AssistantPage() {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [conversationId, setConversationId] = useState<string | undefined>();
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);
  const streaming = turns.at(-1)?.state === "streaming";

  const loadConversations = useCallback(async () => {
    try {
      setConversations(
        (await api<{ conversations: ConversationSummary[] }>("/api/assistant/conversations")).conversations,
      );
    } catch {}
  }, []);
  useEffect(() => {
    void loadConversations();
  }, [loadConversations]);

  const update = (change: (turn: Turn) => Turn) =>
    setTurns((all) => [...all.slice(0, -1), ...all.slice(-1).map(change)]);

  const ask = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    // The API's own schema, so the page refuses exactly what the server would.
    const checked = ChatRequestSchema.safeParse({ message: String(new FormData(form).get("question") ?? "") });
    if (!checked.success) {
      setError(`Your question ${checked.error.issues[0]?.message ?? "is not valid"}.`);
      return;
    }
    const question = checked.data.message;
    setError(null);
    form.reset();
    const history = turns
      .filter((t) => t.state === "complete")
      .slice(-5)
      .flatMap((t) => [
        { role: "user" as const, content: t.question },
        { role: "assistant" as const, content: t.answer.slice(0, MAX_QUESTION) },
      ]);
    setTurns((all) => [
      ...all,
      { key: crypto.randomUUID(), question, answer: "", steps: [], citations: [], state: "streaming" },
    ]);
    const abort = new AbortController();
    controller.current = abort;
    try {
      const res = await fetch("/api/assistant/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ message: question, history, ...(conversationId ? { conversationId } : {}) }),
        signal: abort.signal,
      });
      if (!res.ok || !res.body) {
        const problem = (await res.json().catch(() => ({}))) as ProblemBody;
        throw new ApiError(res.status, problem);
      }
      let ended = false;
      const handle = ({ event: name, data }: AssistantEvent) => {
        if (name === "status") setConversationId(data.conversationId);
        if (name === "tool") {
          update((t) => {
            const steps = t.steps.filter((s) => s.name !== data.name);
            const state = data.phase === "start" ? "running" : data.error ? "failed" : "done";
            return { ...t, steps: [...steps, { name: data.name, state, ms: data.ms, results: data.results }] };
          });
        }
        if (name === "citation") update((t) => ({ ...t, citations: [...t.citations, data] }));
        if (name === "content") update((t) => ({ ...t, answer: t.answer + data.delta }));
        if (name === "done") {
          ended = true;
          update((t) => ({ ...t, state: "complete" }));
        }
        if (name === "error") {
          ended = true;
          update((t) => ({ ...t, state: "failed", error: `${data.message} (reference ${data.requestId})` }));
        }
      };
      await readSse(res.body, ({ event, data }) => {
        // The API's own schema: a malformed event is skipped, an unknown one ignored; neither breaks the page.
        const parsed = AssistantEventSchema.safeParse({ event, data });
        if (parsed.success) handle(parsed.data);
      });
      if (!ended) update((t) => ({ ...t, state: "failed", error: "The answer was cut off." }));
    } catch (e) {
      if (abort.signal.aborted) update((t) => ({ ...t, state: "stopped" }));
      else
        update((t) => ({ ...t, state: "failed", error: e instanceof ApiError ? e.message : describeProblem(0, {}) }));
    } finally {
      controller.current = null;
      void loadConversations();
    }
  };

  const open = async (id: string) => {
    try {
      const { messages } = await api<{
        messages: { role: "user" | "assistant"; content: string; citations: Citation[]; status: Turn["state"] }[];
      }>(`/api/assistant/conversations/${id}`);
      const loaded: Turn[] = [];
      for (const m of messages) {
        if (m.role === "user") {
          loaded.push({
            key: crypto.randomUUID(),
            question: m.content,
            answer: "",
            steps: [],
            citations: [],
            state: "complete",
          });
        } else {
          const last = loaded.at(-1);
          if (last) Object.assign(last, { answer: m.content, citations: m.citations, state: m.status });
        }
      }
      setTurns(loaded);
      setConversationId(id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="assistant">
      <aside className="card" aria-labelledby="past-heading">
        <h2 id="past-heading">Conversations</h2>
        <button
          type="button"
          onClick={() => {
            setTurns([]);
            setConversationId(undefined);
          }}
        >
          New conversation
        </button>
        {conversations.length === 0 && <p className="hint">None yet.</p>}
        <ul className="list">
          {conversations.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="link"
                onClick={() => void open(c.id)}
                aria-current={c.id === conversationId}
              >
                {c.title}
              </button>
              <span className="hint"> {formatTime(c.updatedAt)}</span>
            </li>
          ))}
        </ul>
      </aside>
      <section aria-labelledby="assistant-heading">
        <h1 id="assistant-heading">Assistant</h1>
        <p className="hint">Ask about your rooms and files, e.g. “what did we decide about the launch?”</p>
        <div aria-live="polite" data-testid="turns">
          {turns.map((t) => (
            <article key={t.key} className="card turn" data-testid="turn" data-state={t.state}>
              <p>
                <strong>You:</strong> {t.question}
              </p>
              {t.steps.length > 0 && (
                <ul className="steps" aria-label="Steps">
                  {t.steps.map((s) => (
                    <li key={s.name} data-state={s.state}>
                      {TOOL_NAMES[s.name] ?? s.name}
                      {s.state === "running"
                        ? "…"
                        : s.state === "failed"
                          ? " — failed"
                          : ` — ${s.results ?? 0} found in ${s.ms ?? 0} ms`}
                    </li>
                  ))}
                </ul>
              )}
              <p className="answer" data-testid="answer">
                {t.answer || (t.state === "streaming" ? "…" : "")}
              </p>
              <Citations citations={t.citations} />
              {t.state === "stopped" && <p className="hint">Stopped.</p>}
              {t.error && (
                <p role="alert" className="error">
                  {t.error}
                </p>
              )}
            </article>
          ))}
        </div>
        <form onSubmit={(e) => void ask(e)} className="row">
          <label className="grow">
            <span className="sr-only">Question</span>
            <input name="question" placeholder="Ask the assistant" maxLength={MAX_QUESTION} disabled={streaming} />
          </label>
          {streaming ? (
            <button type="button" onClick={() => controller.current?.abort()}>
              Stop
            </button>
          ) : (
            <button type="submit">Ask</button>
          )}
        </form>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </section>
    </div>
  );
}

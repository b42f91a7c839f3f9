// One answer at a time, streamed: sends the question, folds the SSE events into a live turn, and ends it as
// complete, stopped (Stop, or leaving the page) or failed (with a sentence to show). Renders at most once a
// frame however fast the deltas come. The finished turn is written into the conversation's cache.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { AssistantStep, Conversation } from "../../../features/assistant/assistant.schema";
import { ApiError, OFFLINE } from "../../api";
import type { components } from "../../api/openapi";
import { assistantEvents } from "../../lib/sse-client";
import { historyOf, type Turn, toMessages } from "./model";
import { conversationKeys, putTurn, touchConversation } from "./queries";

/** The turn being answered (or the last one answered here), over the stored turns before it. */
export interface LiveAnswer {
  /** Its conversation: undefined for a new one until the server names it (the `status` event). */
  conversationId: string | undefined;
  /** How many of the conversation's turns come before it. */
  base: number;
  turn: Turn;
}

export interface AskOptions {
  question: string;
  conversationId: string | undefined;
  /** The turns before this one (their complete answers go as history). */
  before: readonly Turn[];
  /** Replace the conversation's last turn instead of adding one. */
  regenerate?: boolean;
}

export const DROPPED = "The connection dropped before the answer was finished. Check your connection and try again.";

type ChatRequest = components["schemas"]["ChatRequest"];

/** "The answer failed" → "The answer failed." (a sentence however the server ended it). */
const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

const endSteps = (steps: AssistantStep[]): AssistantStep[] =>
  steps.map((s) => (s.state === "running" ? { ...s, state: "stopped" } : s));

export function useAnswer({ onConversation }: { onConversation: (id: string) => void }) {
  const client = useQueryClient();
  const [live, setLive] = useState<LiveAnswer | null>(null);
  /** The latest live answer (state may be a frame behind). */
  const latest = useRef<LiveAnswer | null>(null);
  const controller = useRef<AbortController | null>(null);
  const frame = useRef(0);
  const onConversationRef = useRef(onConversation);
  onConversationRef.current = onConversation;

  // Leaving the page stops the answer (the server keeps what was written, as stopped).
  useEffect(
    () => () => {
      controller.current?.abort();
      cancelAnimationFrame(frame.current);
    },
    [],
  );

  const ask = useCallback(
    async ({ question, conversationId, before, regenerate = false }: AskOptions) => {
      if (controller.current) return;
      const abort = new AbortController();
      controller.current = abort;
      let current: LiveAnswer = {
        conversationId,
        base: before.length,
        turn: {
          key: `live:${crypto.randomUUID()}`,
          question,
          answer: "",
          steps: [],
          citations: [],
          state: "streaming",
          phase: "searching",
          stored: false,
        },
      };
      const show = (now = false) => {
        latest.current = current;
        if (now) {
          cancelAnimationFrame(frame.current);
          frame.current = 0;
          setLive(current);
        } else if (!frame.current) {
          frame.current = requestAnimationFrame(() => {
            frame.current = 0;
            setLive(current);
          });
        }
      };
      const change = (edit: (turn: Turn) => Partial<Turn>, now = false) => {
        current = { ...current, turn: { ...current.turn, ...edit(current.turn) } };
        show(now);
      };
      const fail = (error: string) => change((t) => ({ state: "failed", error, steps: endSteps(t.steps) }));
      show(true);

      let ended = false;
      try {
        const body: ChatRequest = {
          message: question,
          history: historyOf(before),
          ...(conversationId ? { conversationId } : {}),
          ...(regenerate ? { regenerate: true } : {}),
        };
        let response: Response;
        try {
          response = await fetch("/api/assistant/chat", {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
            credentials: "same-origin",
            body: JSON.stringify(body),
            signal: abort.signal,
          });
        } catch (e) {
          if (abort.signal.aborted) throw e;
          throw new ApiError(0, {});
        }
        for await (const event of assistantEvents(response)) {
          // Stop means stop: nothing already read but not yet shown gets in after it.
          if (abort.signal.aborted) break;
          switch (event.event) {
            case "status": {
              const { conversationId: id, state } = event.data;
              const named = current.conversationId === undefined;
              current = { ...current, conversationId: id };
              change(() => ({ stored: true, phase: state }), true);
              if (named) onConversationRef.current(id);
              // The conversation is new, or now the most recent: it goes to the top of the list at once (titled
              // as the server titles a new one), and the list is read again.
              const now = new Date().toISOString();
              const known = client.getQueryData<Conversation[]>(conversationKeys.list)?.find((c) => c.id === id);
              touchConversation(
                client,
                known
                  ? { ...known, updatedAt: now }
                  : { id, title: question.slice(0, 80), createdAt: now, updatedAt: now },
              );
              void client.invalidateQueries({ queryKey: conversationKeys.list });
              break;
            }
            case "tool": {
              const { name, phase, ms, results, error } = event.data;
              const step: AssistantStep =
                phase === "start"
                  ? { name, state: "running" }
                  : { name, state: error ? "failed" : "done", ms, results, error };
              change((t) => {
                const at = t.steps.findIndex((s) => s.name === name);
                return { steps: at < 0 ? [...t.steps, step] : t.steps.map((s, i) => (i === at ? step : s)) };
              });
              break;
            }
            case "citation":
              change((t) => ({ citations: [...t.citations.filter((c) => c.index !== event.data.index), event.data] }));
              break;
            case "content":
              change((t) => ({ answer: t.answer + event.data.delta, phase: "answering" }));
              break;
            case "done":
              ended = true;
              change((t) => ({ state: "complete", steps: endSteps(t.steps) }));
              break;
            case "error":
              ended = true;
              fail(`${sentence(event.data.message)} Reference: ${event.data.requestId}.`);
              break;
          }
          if (ended) break;
        }
        if (abort.signal.aborted) change((t) => ({ state: "stopped", steps: endSteps(t.steps) }));
        else if (!ended) fail(DROPPED);
      } catch (e) {
        if (abort.signal.aborted) change((t) => ({ state: "stopped", steps: endSteps(t.steps) }));
        else if (e instanceof ApiError) fail(e.message);
        else fail(current.turn.stored ? DROPPED : OFFLINE);
      } finally {
        controller.current = null;
        show(true);
        const id = current.conversationId;
        if (id && current.turn.stored) putTurn(client, id, current.base * 2, toMessages(current.turn));
        // Stopped before the stream started, the server may still have stored the turn: read it back.
        else if (id) void client.invalidateQueries({ queryKey: conversationKeys.one(id) });
        void client.invalidateQueries({ queryKey: conversationKeys.list });
      }
    },
    [client],
  );

  const stop = useCallback(() => controller.current?.abort(), []);
  /** Forgets the last answer, once it has ended (a streaming one goes on, whichever conversation is shown). */
  const clear = useCallback(() => {
    if (controller.current || !latest.current) return;
    latest.current = null;
    setLive(null);
  }, []);
  /** Forgets the last answer unless it belongs to the conversation shown (undefined: a new one). */
  const keepFor = useCallback(
    (shown: string | undefined) => {
      if (latest.current && latest.current.conversationId !== shown) clear();
    },
    [clear],
  );

  return { live, streaming: live?.turn.state === "streaming", ask, stop, clear, keepFor };
}

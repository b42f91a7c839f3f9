// The assistant: ask about my rooms and files, watch the steps and the answer stream in, stop, copy or regenerate
// it, and come back to past conversations (renamed, deleted). The open conversation lives in the URL
// (`?conversation=<id>`), so Back/Forward and reload work; `?q=<text>` (the quick switcher) fills the box.
// The parts are in ./assistant/.
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import type { Conversation } from "../../features/assistant/assistant.schema";
import { errorMessage, isNotFound } from "../api";
import { Boundary } from "../components/boundary";
import { ErrorAlert } from "../components/error-alert";
import { Composer } from "./assistant/composer";
import { ConfirmDelete } from "./assistant/confirm-delete";
import { ConversationHeader } from "./assistant/conversation-header";
import { ConversationDrawer, ConversationList } from "./assistant/conversation-list";
import { EmptyState } from "./assistant/empty-state";
import { type Turn, toTurns } from "./assistant/model";
import {
  conversationQuery,
  conversationsQuery,
  useDeleteConversation,
  useRenameConversation,
} from "./assistant/queries";
import { TurnView } from "./assistant/turn-view";
import { useAnswer } from "./assistant/use-answer";

const CONVERSATION_ID = /^[0-9a-f]{32}$/;
const EMPTY: Turn[] = [];

/** Whether the page is scrolled (nearly) to its end: only then does a growing answer keep it there. */
function useFollowEnd() {
  const atEnd = useRef(true);
  useEffect(() => {
    const onScroll = () => {
      const root = document.documentElement;
      atEnd.current = window.innerHeight + window.scrollY >= root.scrollHeight - 96;
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => window.removeEventListener("scroll", onScroll);
  }, []);
  return useCallback((force = false) => {
    if (!force && !atEnd.current) return;
    atEnd.current = true;
    window.scrollTo({ top: document.documentElement.scrollHeight });
  }, []);
}

/** The list is a column at least this wide (as assistant.css lays it out), a drawer below. */
const NARROW = "(max-width: 60rem)";

function useNarrow(): boolean {
  return useSyncExternalStore(
    (changed) => {
      const list = matchMedia(NARROW);
      list.addEventListener("change", changed);
      return () => list.removeEventListener("change", changed);
    },
    () => matchMedia(NARROW).matches,
  );
}

function TurnsSkeleton() {
  return (
    <div aria-busy="true" className="turns-loading">
      <span className="sr-only">Loading the conversation…</span>
      <span className="skeleton question-skeleton" />
      <span className="skeleton" style={{ width: "85%" }} />
      <span className="skeleton" style={{ width: "70%" }} />
      <span className="skeleton" style={{ width: "40%" }} />
    </div>
  );
}

export function AssistantPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const raw = params.get("conversation") ?? undefined;
  const selectedId = raw && CONVERSATION_ID.test(raw) ? raw : undefined;
  /** The URL's conversation now, and when the last question was sent from a page without one of its own. */
  const rawRef = useRef(raw);
  rawRef.current = raw;
  const askedFrom = useRef<string | null>(null);

  const conversations = useQuery(conversationsQuery);
  const conversation = useQuery({ ...conversationQuery(selectedId ?? ""), enabled: selectedId !== undefined });
  const notFound = (raw !== undefined && selectedId === undefined) || isNotFound(conversation.error);
  /** The conversation shown: none (a new one) when the URL's is not there, so a question there starts one. */
  const shownId = notFound ? undefined : selectedId;
  const [question, setQuestion] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const follow = useFollowEnd();
  const narrow = useNarrow();

  const { live, streaming, ask, stop, clear, keepFor } = useAnswer({
    // A new conversation got its id: show it in the URL (replacing the empty one, which Back need not revisit),
    // unless the reader has gone elsewhere since asking.
    onConversation: (id) => {
      if (askedFrom.current !== null && askedFrom.current === (rawRef.current ?? "")) {
        setParams(
          (p) => {
            p.set("conversation", id);
            return p;
          },
          { replace: true },
        );
      }
    },
  });

  // Showing another conversation forgets the last answer given elsewhere (one still streaming goes on).
  useEffect(() => {
    keepFor(shownId);
  }, [shownId, keepFor]);

  // `?q=` from the quick switcher: fill the box (never send by itself), then drop it from the URL.
  const prefill = params.get("q");
  useEffect(() => {
    if (prefill === null) return;
    setQuestion(prefill);
    setParams(
      (p) => {
        p.delete("q");
        return p;
      },
      { replace: true },
    );
    requestAnimationFrame(() => input.current?.focus());
  }, [prefill, setParams]);

  const stored = useMemo(
    () => (shownId && conversation.data ? toTurns(shownId, conversation.data.messages) : EMPTY),
    [shownId, conversation.data],
  );
  const showLive = live !== null && live.conversationId === shownId;
  const turns = useMemo(
    () => (showLive && live ? [...stored.slice(0, live.base), live.turn] : stored),
    [showLive, live, stored],
  );
  const conversationId = shownId ?? (showLive ? live?.conversationId : undefined);
  const summary = conversations.data?.find((c) => c.id === conversationId);
  const title =
    conversation.data?.conversation.title ??
    summary?.title ??
    (showLive && live ? live.turn.question.slice(0, 80) : undefined);
  const answeringId = streaming ? live?.conversationId : undefined;

  // Follow a growing answer down the page (unless the reader scrolled up); open a conversation at its end.
  const liveTurn = showLive ? live?.turn : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the answer as it grows
  useLayoutEffect(() => {
    if (liveTurn) follow();
  }, [liveTurn?.answer.length, liveTurn?.steps, liveTurn?.state, follow]);
  const loadedId = conversation.data ? selectedId : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per opened conversation
  useLayoutEffect(() => {
    if (loadedId) follow(true);
  }, [loadedId]);

  const send = useCallback(
    (text: string, before: readonly Turn[], regenerate = false) => {
      setNotice(null);
      askedFrom.current = conversationId === undefined ? (rawRef.current ?? "") : null;
      void ask({ question: text, conversationId, before, regenerate });
      requestAnimationFrame(() => follow(true));
    },
    [ask, conversationId, follow],
  );

  const onSend = (text: string) => {
    if (streaming) return;
    setQuestion("");
    // A question that never reached the server (refused, offline) is replaced by the next one.
    send(
      text,
      turns.filter((t) => t.stored),
    );
  };

  // Regenerate (and Retry) the last turn: replaced in place if the server stored it, else simply sent again.
  const redoRef = useRef(() => {});
  redoRef.current = () => {
    const last = turns.at(-1);
    if (!last || streaming) return;
    send(last.question, turns.slice(0, -1), last.stored && conversationId !== undefined);
  };
  const redo = useCallback(() => redoRef.current(), []);

  const closeDrawer = useCallback(() => setDrawerOpen(false), []);
  useEffect(() => {
    if (!narrow) setDrawerOpen(false);
  }, [narrow]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: closes whenever the conversation changes
  useEffect(() => {
    closeDrawer();
  }, [selectedId, closeDrawer]);

  const startNew = () => {
    closeDrawer();
    clear();
    setNotice(null);
    if (selectedId || raw) navigate({ search: "" });
    requestAnimationFrame(() => input.current?.focus());
  };

  const rename = useRenameConversation((error) =>
    setNotice(`The conversation could not be renamed. ${errorMessage(error)}`),
  );
  const remove = useDeleteConversation((deleted: Conversation, error) =>
    setNotice(`“${deleted.title}” could not be deleted. ${errorMessage(error)}`),
  );

  const deleteConfirmed = () => {
    setConfirmDelete(false);
    if (!conversationId) return;
    const target: Conversation = summary ??
      conversation.data?.conversation ?? { id: conversationId, title: title ?? "", createdAt: "", updatedAt: "" };
    if (answeringId === conversationId) stop();
    remove.mutate(target);
    clear();
    navigate({ search: "" }, { replace: true });
    requestAnimationFrame(() => input.current?.focus());
  };

  const listProps = {
    conversations,
    selectedId,
    answeringId,
    onNew: startNew,
  };

  let body: React.ReactNode;
  if (notFound && !showLive) {
    body = (
      <div className="empty" data-testid="conversation-missing">
        <strong>This conversation is not here</strong>
        It was deleted, or the link is wrong. <Link to="/assistant">Start a new conversation</Link>
      </div>
    );
  } else if (conversation.error && !showLive) {
    body = (
      <div className="load-error">
        <ErrorAlert text={errorMessage(conversation.error)} />
        <button type="button" className="small" onClick={() => void conversation.refetch()}>
          Retry
        </button>
      </div>
    );
  } else if (selectedId && conversation.isPending && !showLive) {
    body = <TurnsSkeleton />;
  } else if (turns.length === 0) {
    body = <EmptyState onAsk={(q) => onSend(q)} disabled={streaming} />;
  } else {
    body = turns.map((turn, i) => (
      <Boundary key={turn.key} what="This answer">
        <TurnView turn={turn} isLast={i === turns.length - 1} busy={streaming} onRegenerate={redo} onRetry={redo} />
      </Boundary>
    ));
  }

  const liveState = showLive ? live?.turn.state : undefined;
  return (
    <div className="assistant">
      {!narrow && (
        <aside className="assistant-side">
          <ConversationList {...listProps} />
        </aside>
      )}
      <div className="assistant-chat">
        <ConversationHeader
          key={conversationId ?? "new"}
          title={notFound && !showLive ? "Conversation not found" : title}
          canEdit={conversationId !== undefined}
          onRename={(next) => conversationId && rename.mutate({ id: conversationId, title: next })}
          onDelete={() => setConfirmDelete(true)}
          onOpenList={() => setDrawerOpen(true)}
          onNew={startNew}
        />
        {notice && (
          <div className="asst-notice">
            <ErrorAlert text={notice} />
            <button type="button" className="quiet small" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          </div>
        )}
        <div className="turns" data-testid="turns">
          {body}
        </div>
        <p role="status" className="sr-only">
          {liveState === "streaming"
            ? "The assistant is answering…"
            : liveState === "complete"
              ? "The answer is complete."
              : liveState === "stopped"
                ? "The answer was stopped."
                : ""}
        </p>
        <Composer
          value={question}
          onChange={setQuestion}
          onSend={onSend}
          onStop={stop}
          streaming={streaming}
          inputRef={input}
        />
      </div>
      {narrow && <ConversationDrawer open={drawerOpen} onClose={closeDrawer} {...listProps} />}
      <ConfirmDelete
        title={title ?? ""}
        open={confirmDelete}
        onConfirm={deleteConfirmed}
        onCancel={() => setConfirmDelete(false)}
      />
    </div>
  );
}

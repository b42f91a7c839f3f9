// The conversation list: a column beside the conversation on a wide screen, a drawer (native modal <dialog>:
// focus stays inside, Esc closes, focus returns to the button that opened it) on a phone.
import type { UseQueryResult } from "@tanstack/react-query";
import { useEffect, useId, useRef } from "react";
import { Link } from "react-router";
import type { Conversation } from "../../../features/assistant/assistant.schema";
import { errorMessage } from "../../api";
import { ErrorAlert } from "../../components/error-alert";
import { formatShortDate } from "../../lib/format";

export interface ConversationListProps {
  conversations: UseQueryResult<Conversation[]>;
  selectedId: string | undefined;
  /** The conversation whose answer is streaming, if any. */
  answeringId: string | undefined;
  onNew: () => void;
  /** After a conversation is picked (the drawer closes). */
  onPicked?: () => void;
}

export function ConversationList({ conversations, selectedId, answeringId, onNew, onPicked }: ConversationListProps) {
  const headingId = useId();
  const list = conversations.data;
  return (
    <nav className="conversations" aria-labelledby={headingId}>
      <div className="conversations-head">
        <h2 id={headingId}>Conversations</h2>
        <button type="button" className="small" onClick={onNew} data-testid="new-conversation">
          New conversation
        </button>
      </div>
      {conversations.isPending && (
        <div aria-busy="true" className="conversations-loading">
          <span className="sr-only">Loading conversations…</span>
          {[70, 55, 80, 60].map((width) => (
            <span key={width} className="skeleton" style={{ width: `${width}%` }} />
          ))}
        </div>
      )}
      <ErrorAlert text={conversations.error ? errorMessage(conversations.error) : null} />
      {conversations.error && (
        <button type="button" className="quiet small" onClick={() => void conversations.refetch()}>
          Try again
        </button>
      )}
      {list?.length === 0 && (
        <p className="hint">No conversations yet. Your questions and answers will be kept here.</p>
      )}
      {list && list.length > 0 && (
        <ul className="conversation-items">
          {list.map((c) => (
            <li key={c.id}>
              <Link
                to={{ search: `?conversation=${c.id}` }}
                aria-current={c.id === selectedId ? "page" : undefined}
                onClick={onPicked}
                data-testid="conversation-link"
              >
                <span className="truncate conversation-title">{c.title}</span>
                <span className="conversation-when">
                  {c.id === answeringId ? "Answering…" : formatShortDate(c.updatedAt)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}

/** The list in a drawer, for a phone: rendered only while open, so the page holds one list at a time. */
export function ConversationDrawer({
  open,
  onClose,
  ...props
}: ConversationListProps & { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    else if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="assistant-drawer"
      aria-labelledby={titleId}
      data-testid="conversation-drawer"
      // Esc, or close() from anywhere.
      onClose={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes the drawer.
        if (event.target === event.currentTarget) onClose();
      }}
      onKeyDown={() => {}}
    >
      {open && (
        <div className="assistant-drawer-body">
          <div className="assistant-drawer-top">
            <span id={titleId} className="sr-only">
              Conversations
            </span>
            <button type="button" className="quiet small" onClick={onClose}>
              Close
            </button>
          </div>
          <ConversationList {...props} onPicked={onClose} />
        </div>
      )}
    </dialog>
  );
}

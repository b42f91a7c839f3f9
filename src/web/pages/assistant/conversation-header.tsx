// The top of the conversation: its title (the page's h1), renamed in place, and Delete; on a phone also the
// button that opens the conversation list and New. The page keys it by conversation, so an edit never carries over.
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { ConversationRenameSchema, MAX_TITLE } from "../../../features/assistant/assistant.schema";

export function ConversationHeader({
  title,
  canEdit,
  onRename,
  onDelete,
  onOpenList,
  onNew,
}: {
  /** The conversation's title, or undefined for a new conversation. */
  title: string | undefined;
  /** The conversation exists (it can be renamed or deleted). */
  canEdit: boolean;
  onRename: (title: string) => void;
  onDelete: () => void;
  onOpenList: () => void;
  onNew: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const errorId = useId();
  const inputId = useId();

  useEffect(() => {
    if (editing) input.current?.select();
    else if (returnFocus.current) {
      returnFocus.current = false;
      renameButton.current?.focus();
    }
  }, [editing]);

  const close = () => {
    returnFocus.current = true;
    setEditing(false);
    setError(null);
  };

  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = ConversationRenameSchema.safeParse({ title: draft });
    if (!checked.success) {
      setError(`The title ${checked.error.issues[0]?.message ?? "is not valid"}.`);
      input.current?.focus();
      return;
    }
    if (checked.data.title !== title) onRename(checked.data.title);
    close();
  };

  return (
    <header className="conversation-header">
      <button
        type="button"
        className="quiet small list-button"
        aria-haspopup="dialog"
        onClick={onOpenList}
        data-testid="open-conversations"
      >
        Conversations
      </button>
      {editing ? (
        <form className="rename" onSubmit={save}>
          <h1 className="sr-only">{title ?? "New conversation"}</h1>
          <label htmlFor={inputId} className="sr-only">
            Conversation title
          </label>
          <input
            id={inputId}
            ref={input}
            value={draft}
            maxLength={MAX_TITLE}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") {
                event.preventDefault();
                close();
              }
            }}
          />
          <button type="submit" className="small">
            Save
          </button>
          <button type="button" className="quiet small" onClick={close}>
            Cancel
          </button>
          {error && (
            <p id={errorId} role="alert" className="error rename-error">
              {error}
            </p>
          )}
        </form>
      ) : (
        <h1 className="conversation-title" data-testid="conversation-title">
          {title ?? "New conversation"}
        </h1>
      )}
      <div className="conversation-actions">
        {canEdit && !editing && (
          <>
            <button
              ref={renameButton}
              type="button"
              className="quiet small"
              onClick={() => {
                setDraft(title ?? "");
                setEditing(true);
              }}
            >
              Rename
            </button>
            <button type="button" className="danger-quiet small" onClick={onDelete}>
              Delete
            </button>
          </>
        )}
        <button type="button" className="quiet small new-button" onClick={onNew} aria-label="New conversation">
          New
        </button>
      </div>
    </header>
  );
}

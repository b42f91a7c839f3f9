// A message's actions: react (common emoji, or any emoji typed in), reply in thread, edit (the author), delete
// (the author, an admin, or a private room's owner; asked first). A toolbar shown on hover and on focus: every
// button is in the tab order, and on a phone a tap on the message (which focuses it) shows it.
import { type FormEvent, useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import { EmojiSchema } from "../../../features/rooms/rooms.schema";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { DeleteIcon, EditIcon, ReactIcon, ThreadIcon } from "./icons";

export const COMMON_EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"] as const;

/** The emoji typed in, trimmed, if it is one emoji the room accepts; null otherwise. */
export function parseEmoji(input: string): string | null {
  const value = input.trim();
  return EmojiSchema.safeParse(value).success ? value : null;
}

export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [typed, setTyped] = useState("");
  const [invalid, setInvalid] = useState(false);
  const inputId = useId();
  const [above, setAbove] = useState(false);
  // Near the bottom of the messages (or the window), the picker opens upwards rather than be cut off.
  useLayoutEffect(() => {
    const box = ref.current?.getBoundingClientRect();
    const scroller = ref.current?.closest(".messages, .thread-messages")?.getBoundingClientRect();
    const bottom = Math.min(scroller?.bottom ?? window.innerHeight, window.innerHeight);
    if (box && box.bottom > bottom) setAbove(true);
  }, []);
  useEffect(() => {
    ref.current?.querySelector("button")?.focus();
    const outside = (event: PointerEvent) => {
      if (ref.current && !ref.current.contains(event.target as Node)) onClose();
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [onClose]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const emoji = parseEmoji(typed);
    if (!emoji) {
      setInvalid(true);
      return;
    }
    onPick(emoji);
  };
  return (
    <div
      ref={ref}
      className={above ? "emoji-picker above" : "emoji-picker"}
      role="dialog"
      aria-label="Add a reaction"
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.stopPropagation();
          onClose();
        }
      }}
      data-testid="emoji-picker"
    >
      <div className="emoji-choices">
        {COMMON_EMOJI.map((emoji) => (
          <button
            key={emoji}
            type="button"
            className="quiet"
            aria-label={`React with ${emoji}`}
            onClick={() => onPick(emoji)}
          >
            {emoji}
          </button>
        ))}
      </div>
      <form onSubmit={submit} className="emoji-any">
        <label htmlFor={inputId} className="sr-only">
          Any emoji
        </label>
        <input
          id={inputId}
          className="emoji-input"
          value={typed}
          placeholder="Any emoji"
          maxLength={32}
          autoComplete="off"
          aria-invalid={invalid || undefined}
          onChange={(event) => {
            setTyped(event.target.value);
            setInvalid(false);
          }}
        />
        <button type="submit">Add</button>
      </form>
      {invalid && (
        <p className="hint error" role="alert">
          That is not one emoji.
        </p>
      )}
    </div>
  );
}

export function MessageActions({
  canEdit,
  canDelete,
  canReply,
  onReact,
  onReply,
  onEdit,
  onDelete,
}: {
  canEdit: boolean;
  canDelete: boolean;
  canReply: boolean;
  onReact: (emoji: string) => void;
  onReply: () => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const [picking, setPicking] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const reactButton = useRef<HTMLButtonElement>(null);
  const close = () => {
    setPicking(false);
    reactButton.current?.focus();
  };
  return (
    <div
      className={picking || confirming ? "message-actions open" : "message-actions"}
      role="toolbar"
      aria-label="Message actions"
    >
      <button
        ref={reactButton}
        type="button"
        className="quiet"
        aria-label="Add a reaction"
        title="Add a reaction"
        aria-expanded={picking}
        onClick={() => setPicking((p) => !p)}
        data-testid="action-react"
      >
        <ReactIcon />
      </button>
      {canReply && (
        <button
          type="button"
          className="quiet"
          aria-label="Reply in thread"
          title="Reply in thread"
          onClick={onReply}
          data-testid="action-reply"
        >
          <ThreadIcon />
        </button>
      )}
      {canEdit && (
        <button
          type="button"
          className="quiet"
          aria-label="Edit message"
          title="Edit"
          onClick={onEdit}
          data-testid="action-edit"
        >
          <EditIcon />
        </button>
      )}
      {canDelete && (
        <button
          type="button"
          className="quiet"
          aria-label="Delete message"
          title="Delete"
          onClick={() => setConfirming(true)}
          data-testid="action-delete"
        >
          <DeleteIcon />
        </button>
      )}
      {picking && (
        <EmojiPicker
          onPick={(emoji) => {
            onReact(emoji);
            close();
          }}
          onClose={close}
        />
      )}
      {confirming && (
        <ConfirmDialog
          open
          title="Delete this message?"
          confirmLabel="Delete"
          onConfirm={() => {
            setConfirming(false);
            onDelete();
          }}
          onCancel={() => setConfirming(false)}
          testId="confirm-delete"
        >
          <p>Everyone in the room will see “This message was deleted” in its place. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

// A message box (the room's, pinned under the messages, or a thread's): Enter sends, Shift+Enter starts a new line,
// the box grows with its text. "@" offers the people who can be mentioned (arrows, Enter or Tab, Escape: the ARIA
// combobox pattern). Files: attached from this device or from my files, or an image pasted in; each a chip with
// its progress until the message goes with their ids. Typing tells the others in the room (throttled).
import { useQuery } from "@tanstack/react-query";
import { type ClipboardEvent, type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { AttachmentChips, MyFilesDialog } from "./attachment-picker";
import { keyAction, moveActive } from "./composer-keys";
import { AttachIcon } from "./icons";
import { insertMention, mentionAtCaret } from "./mentions";
import { peopleQuery } from "./room-api";
import { pastedName, useAttachments } from "./use-attachments";
import { MAX_MESSAGE_LENGTH } from "./use-live-room";

/** The room's box's id, so other parts of the room (Jump to latest) can give it the focus. */
export const COMPOSER_ID = "composer-text";
const MAX_HEIGHT_PX = 160;
const SUGGESTIONS_SHOWN = 8;
const ROOM_MENTION = { userId: "@room", displayName: "room" };

function fitToText(box: HTMLTextAreaElement) {
  box.style.height = "auto";
  box.style.height = `${Math.min(box.scrollHeight + 2, MAX_HEIGHT_PX)}px`;
}

/** The text sent with files and no words (a message needs some text): their names. */
export function textForFiles(names: string[]): string {
  return names.map((n) => `📎 ${n}`).join("\n");
}

/** The mention being typed, asked of the server a moment after the typing pauses. */
function useMentionQuery(room: string) {
  const [typed, setTyped] = useState<{ start: number; query: string } | null>(null);
  const [asked, setAsked] = useState<string | null>(null);
  useEffect(() => {
    if (typed === null) {
      setAsked(null);
      return;
    }
    const timer = setTimeout(() => setAsked(typed.query), 120);
    return () => clearTimeout(timer);
  }, [typed]);
  const people = useQuery({ ...peopleQuery(room, asked ?? ""), enabled: asked !== null });
  // @room (everyone here) is offered too, after the people.
  const everyone = typed && "room".startsWith(typed.query.toLowerCase()) ? [ROOM_MENTION] : [];
  const suggestions = typed && people.data ? [...people.data.slice(0, SUGGESTIONS_SHOWN), ...everyone] : [];
  return { typed, setTyped, suggestions };
}

/** `onSend` answers whether the message went out (the box and the chips are emptied only then). */
export function Composer({
  room,
  id = COMPOSER_ID,
  label = "Message",
  placeholder,
  onSend,
  onTyping,
}: {
  room: string;
  id?: string;
  label?: string;
  placeholder?: string;
  onSend: (text: string, attachments: string[]) => boolean;
  onTyping: () => void;
}) {
  const box = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const listId = useId();
  const hintId = useId();
  const files = useAttachments();
  const [picking, setPicking] = useState(false);
  const [blocked, setBlocked] = useState<string | null>(null);
  const mention = useMentionQuery(room);
  const [active, setActive] = useState(0);
  const open = mention.suggestions.length > 0;
  const activeIndex = Math.min(active, Math.max(0, mention.suggestions.length - 1));

  const follow = (input: HTMLTextAreaElement) => {
    const at = input.selectionStart === input.selectionEnd ? mentionAtCaret(input.value, input.selectionStart) : null;
    if (at?.start !== mention.typed?.start || at?.query !== mention.typed?.query) {
      mention.setTyped(at);
      setActive(0);
    }
  };

  const choose = (index: number) => {
    const input = box.current;
    const person = mention.suggestions[index];
    if (!input || !person || !mention.typed) return;
    const next = insertMention(input.value, mention.typed.start, input.selectionStart, person.displayName);
    input.value = next.text;
    input.setSelectionRange(next.caret, next.caret);
    fitToText(input);
    mention.setTyped(null);
  };

  const send = () => {
    const input = box.current;
    if (!input) return;
    if (files.uploading) {
      setBlocked("Wait for the files to finish uploading, or remove them.");
      return;
    }
    const ready = files.ready;
    const text = input.value.trim() || (ready.length > 0 ? textForFiles(ready.map((c) => c.name)) : "");
    if (!text) return;
    if (
      onSend(
        text,
        ready.flatMap((c) => (c.fileId ? [c.fileId] : [])),
      )
    ) {
      input.value = "";
      fitToText(input);
      files.clear();
      setBlocked(null);
      mention.setTyped(null);
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send();
    box.current?.focus();
  };

  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    const action = keyAction(
      {
        key: event.key,
        shiftKey: event.shiftKey,
        isComposing: event.nativeEvent.isComposing,
        altKey: event.altKey,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
      },
      open,
    );
    if (action === null || action === "cancel") return;
    event.preventDefault();
    if (action === "send") send();
    else if (action === "next") setActive(moveActive(activeIndex, 1, mention.suggestions.length));
    else if (action === "previous") setActive(moveActive(activeIndex, -1, mention.suggestions.length));
    else if (action === "pick") choose(activeIndex);
    else if (action === "close") {
      // Escape closes the suggestions only (not the thread panel the box may be in).
      event.stopPropagation();
      mention.setTyped(null);
    }
  };

  const paste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const images = [...event.clipboardData.files].filter((f) => f.type.startsWith("image/"));
    if (images.length === 0) return;
    event.preventDefault();
    files.upload(
      images.map((f) => (f.name && f.name !== "image.png" ? f : new File([f], pastedName(f.type), { type: f.type }))),
    );
  };

  const optionId = (index: number) => `${listId}-${index}`;
  return (
    <>
      <form onSubmit={submit} className="composer" aria-label={label === "Message" ? "Send a message" : label}>
        <AttachmentChips chips={files.chips} onRemove={files.remove} />
        {(blocked || files.limitNotice) && (
          <p className="hint error composer-notice" role="alert">
            {blocked ?? files.limitNotice}
          </p>
        )}
        <div className="composer-row">
          <details className="attach-menu">
            <summary className="button quiet" aria-label="Attach files" title="Attach files">
              <AttachIcon />
            </summary>
            <div className="attach-choices">
              <button
                type="button"
                className="quiet"
                onClick={(event) => {
                  event.currentTarget.closest("details")?.removeAttribute("open");
                  fileInput.current?.click();
                }}
              >
                Upload from this device
              </button>
              <button
                type="button"
                className="quiet"
                onClick={(event) => {
                  event.currentTarget.closest("details")?.removeAttribute("open");
                  setPicking(true);
                }}
              >
                Choose from my files
              </button>
            </div>
          </details>
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            data-testid="attach-input"
            onChange={(event) => {
              files.upload([...(event.target.files ?? [])]);
              event.target.value = "";
            }}
          />
          <div className="composer-box">
            {open && (
              <div id={listId} role="listbox" className="mention-list" aria-label="People to mention">
                {mention.suggestions.map((p, i) => (
                  <div
                    key={p.userId}
                    id={optionId(i)}
                    role="option"
                    tabIndex={-1}
                    aria-selected={i === activeIndex}
                    className={i === activeIndex ? "active" : undefined}
                    onMouseDown={(event) => {
                      event.preventDefault();
                      choose(i);
                    }}
                  >
                    @{p.displayName}
                    {p === ROOM_MENTION && <span className="hint"> · everyone here</span>}
                  </div>
                ))}
              </div>
            )}
            <label htmlFor={id} className="sr-only">
              {label}
            </label>
            <textarea
              ref={box}
              id={id}
              name="text"
              rows={1}
              maxLength={MAX_MESSAGE_LENGTH}
              autoComplete="off"
              placeholder={placeholder ?? (room.length <= 20 ? `Message #${room}` : "Write a message")}
              // The combobox pattern's keys and states on a multi-line box: it stays a textbox (a "combobox" is
              // announced as single-line), with a listbox of suggestions and the active one as its descendant.
              aria-haspopup="listbox"
              aria-controls={open ? listId : undefined}
              aria-autocomplete="list"
              aria-activedescendant={open ? optionId(activeIndex) : undefined}
              aria-describedby={hintId}
              onKeyDown={keyDown}
              onPaste={paste}
              onSelect={(event) => follow(event.currentTarget)}
              onBlur={() => mention.setTyped(null)}
              onInput={(event) => {
                fitToText(event.currentTarget);
                follow(event.currentTarget);
                if (event.currentTarget.value.trim()) onTyping();
              }}
            />
          </div>
          <button type="submit">Send</button>
        </div>
        <span id={hintId} className="sr-only">
          Enter sends; Shift+Enter starts a new line; type @ to mention someone.
        </span>
      </form>
      <MyFilesDialog
        open={picking}
        chosen={new Set(files.chips.flatMap((c) => (c.fileId ? [c.fileId] : [])))}
        onPick={files.pick}
        onClose={() => {
          setPicking(false);
          box.current?.focus();
        }}
      />
    </>
  );
}

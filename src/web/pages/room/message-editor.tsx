// Editing one of my messages in place: the text in a box, Enter saves, Shift+Enter a new line, Escape cancels.
import { useEffect, useId, useRef } from "react";
import { keyAction } from "./composer-keys";
import { MAX_MESSAGE_LENGTH } from "./use-live-room";

export function MessageEditor({
  text,
  onSave,
  onCancel,
}: {
  text: string;
  /** Answers whether the edit went out (the editor closes then). */
  onSave: (text: string) => boolean;
  onCancel: () => void;
}) {
  const box = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  useEffect(() => {
    const input = box.current;
    if (!input) return;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
    input.style.height = `${Math.min(input.scrollHeight + 2, 240)}px`;
  }, []);
  const save = () => {
    const next = box.current?.value.trim() ?? "";
    if (!next || next === text) {
      onCancel();
      return;
    }
    onSave(next);
  };
  return (
    <div className="message-editor">
      <label className="sr-only" htmlFor={`${hintId}-box`}>
        Edit message
      </label>
      <textarea
        id={`${hintId}-box`}
        ref={box}
        defaultValue={text}
        maxLength={MAX_MESSAGE_LENGTH}
        aria-describedby={hintId}
        data-testid="edit-box"
        onInput={(event) => {
          const input = event.currentTarget;
          input.style.height = "auto";
          input.style.height = `${Math.min(input.scrollHeight + 2, 240)}px`;
        }}
        onKeyDown={(event) => {
          const action = keyAction(
            { key: event.key, shiftKey: event.shiftKey, isComposing: event.nativeEvent.isComposing },
            false,
          );
          if (action === "send") {
            event.preventDefault();
            save();
          } else if (action === "cancel") {
            event.preventDefault();
            event.stopPropagation();
            onCancel();
          }
        }}
      />
      <p id={hintId} className="hint editor-hint">
        Enter to save · Escape to cancel{" "}
        <button type="button" className="link" onClick={save}>
          Save
        </button>{" "}
        <button type="button" className="link" onClick={onCancel}>
          Cancel
        </button>
      </p>
    </div>
  );
}

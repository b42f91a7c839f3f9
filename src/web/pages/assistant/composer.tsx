// The question box: Enter sends, Shift+Enter starts a new line. While an answer streams, sending is off (the box
// says why) and Stop, a separate button that is never the form's submit, ends the answer.
import { type FormEvent, type KeyboardEvent, type RefObject, useId, useState } from "react";
import { ChatRequestSchema, MAX_QUESTION } from "../../../features/assistant/assistant.schema";

export function Composer({
  value,
  onChange,
  onSend,
  onStop,
  streaming,
  inputRef,
}: {
  value: string;
  onChange: (value: string) => void;
  /** Called with the trimmed question; the box is emptied by the page once it is sent. */
  onSend: (question: string) => void;
  onStop: () => void;
  streaming: boolean;
  inputRef: RefObject<HTMLTextAreaElement | null>;
}) {
  const [error, setError] = useState<string | null>(null);
  const hintId = useId();
  const errorId = useId();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (streaming) return;
    // The API's own schema, so the page refuses exactly what the server would.
    const checked = ChatRequestSchema.safeParse({ message: value });
    if (!checked.success) {
      setError(`Your question ${checked.error.issues[0]?.message ?? "is not valid"}.`);
      inputRef.current?.focus();
      return;
    }
    setError(null);
    onSend(checked.data.message);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    // Enter on an empty box does nothing; while streaming, the hint under the box says why.
    if (!streaming && value.trim()) event.currentTarget.form?.requestSubmit();
  };

  const lines = Math.min(8, Math.max(1, value.split("\n").length));
  const describedBy = [hintId, error ? errorId : ""].filter(Boolean).join(" ");
  return (
    <form className="ask-box" onSubmit={submit} data-testid="question-form">
      <div className="ask-box-field">
        <label htmlFor={`${hintId}-q`} className="sr-only">
          Question
        </label>
        <textarea
          id={`${hintId}-q`}
          ref={inputRef}
          name="question"
          rows={lines}
          value={value}
          maxLength={MAX_QUESTION}
          placeholder="Ask about your rooms and files…"
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(event) => {
            onChange(event.target.value);
            if (error) setError(null);
          }}
          onKeyDown={onKeyDown}
        />
        {streaming ? (
          <button
            key="stop"
            type="button"
            className="stop"
            onClick={(event) => {
              event.preventDefault();
              onStop();
              inputRef.current?.focus();
            }}
          >
            Stop
          </button>
        ) : (
          <button key="send" type="submit" className="send">
            Send
          </button>
        )}
      </div>
      {error && (
        <p id={errorId} role="alert" className="error ask-box-note">
          {error}
        </p>
      )}
      <p id={hintId} className="hint ask-box-note">
        {streaming
          ? "Sending is off while the assistant answers. Stop it to ask now."
          : "Enter sends, Shift+Enter starts a new line."}
      </p>
    </form>
  );
}

// The message box, pinned under the messages: Enter sends the trimmed text, Shift+Enter starts a new line, and the
// box grows with its text up to a few lines. Typing tells the others in the room (the client throttles it).
import { type FormEvent, type KeyboardEvent, useRef } from "react";
import { MAX_MESSAGE_LENGTH } from "./use-live-room";

/** The box's id, so other parts of the room (Jump to latest) can give it the focus. */
export const COMPOSER_ID = "composer-text";
const MAX_HEIGHT_PX = 160;

function fitToText(box: HTMLTextAreaElement) {
  box.style.height = "auto";
  box.style.height = `${Math.min(box.scrollHeight + 2, MAX_HEIGHT_PX)}px`;
}

/** `onSend` answers whether the text went out (the box is emptied only then). */
export function Composer({
  room,
  onSend,
  onTyping,
}: {
  room: string;
  onSend: (text: string) => boolean;
  onTyping: () => void;
}) {
  const box = useRef<HTMLTextAreaElement>(null);

  const send = () => {
    const input = box.current;
    if (!input) return;
    const text = input.value.trim();
    if (!text) return;
    if (onSend(text)) {
      input.value = "";
      fitToText(input);
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send();
    box.current?.focus();
  };

  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends; Shift+Enter is a new line; Enter that ends an IME composition only ends the composition.
    if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    send();
  };

  return (
    <form onSubmit={submit} className="composer" aria-label="Send a message">
      <label htmlFor={COMPOSER_ID} className="sr-only">
        Message
      </label>
      <textarea
        ref={box}
        id={COMPOSER_ID}
        name="text"
        rows={1}
        maxLength={MAX_MESSAGE_LENGTH}
        autoComplete="off"
        placeholder={room.length <= 20 ? `Message #${room}` : "Write a message"}
        aria-describedby="composer-hint"
        onKeyDown={keyDown}
        onInput={(event) => {
          fitToText(event.currentTarget);
          if (event.currentTarget.value.trim()) onTyping();
        }}
      />
      <span id="composer-hint" className="sr-only">
        Enter sends; Shift+Enter starts a new line.
      </span>
      <button type="submit">Send</button>
    </form>
  );
}

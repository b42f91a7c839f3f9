// The message box: Enter sends the trimmed text; typing tells the others in the room.
import type { FormEvent } from "react";

/** `onSend` answers whether the text went out (the box is emptied only then). */
export function Composer({ onSend, onTyping }: { onSend: (text: string) => boolean; onTyping: () => void }) {
  const send = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input = event.currentTarget.elements.namedItem("text") as HTMLInputElement;
    const text = input.value.trim();
    if (!text) return;
    if (onSend(text)) input.value = "";
  };
  return (
    <form onSubmit={send} className="row">
      <label className="grow">
        <span className="sr-only">Message</span>
        <input name="text" maxLength={4_000} autoComplete="off" onInput={onTyping} placeholder="Write a message" />
      </label>
      <button type="submit">Send</button>
    </form>
  );
}

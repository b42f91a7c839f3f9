// Deleting a conversation, asked first in a native modal <dialog>: focus starts on Cancel and stays inside, Esc
// cancels, and the confirming button is styled as destructive. Closing returns focus to where it was.
import { useEffect, useId, useRef } from "react";

export function ConfirmDelete({
  title,
  open,
  onConfirm,
  onCancel,
}: {
  /** The conversation's title. */
  title: string;
  open: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.returnValue = "";
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      data-testid="delete-dialog"
      onClose={(event) => {
        if (!open || event.target !== event.currentTarget) return;
        if (event.currentTarget.returnValue === "delete") onConfirm();
        else onCancel();
      }}
    >
      <h2 id={titleId}>Delete this conversation?</h2>
      <p id={bodyId}>
        “<span className="dialog-title-quote">{title}</span>” and all its answers will be deleted. This cannot be
        undone.
      </p>
      <form method="dialog" className="actions">
        {/* Cancel comes first, so showModal focuses it: Enter or a stray tap does not delete anything. */}
        <button type="submit" value="cancel" className="quiet">
          Cancel
        </button>
        <button type="submit" value="delete" className="danger">
          Delete
        </button>
      </form>
    </dialog>
  );
}

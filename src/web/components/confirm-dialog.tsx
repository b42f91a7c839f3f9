// A destructive step (deleting a file, a flag, a conversation; revoking a link; disabling a user) asked first, in a native modal <dialog>: focus starts on Cancel and stays inside, Esc cancels,
// and the confirming button is styled as destructive. Closing returns focus to where it was.
import { type ReactNode, useEffect, useId, useRef } from "react";

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  testId,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** `data-testid` for the browser tests. */
  testId?: string;
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
      data-testid={testId}
      onClose={(e) => {
        if (!open || e.target !== e.currentTarget) return;
        if (e.currentTarget.returnValue === "confirm") onConfirm();
        else onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div id={bodyId}>{children}</div>
      <form method="dialog" className="actions">
        {/* Cancel comes first, so showModal focuses it: Enter or a stray tap does not destroy anything. */}
        <button type="submit" value="cancel" className="quiet">
          Cancel
        </button>
        <button type="submit" value="confirm" className="danger">
          {confirmLabel}
        </button>
      </form>
    </dialog>
  );
}

// Deleting a conversation, asked first (the shared ConfirmDialog: focus starts on Cancel, Esc cancels).
import { ConfirmDialog } from "../../components/confirm-dialog";

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
  return (
    <ConfirmDialog
      open={open}
      title="Delete this conversation?"
      confirmLabel="Delete"
      onConfirm={onConfirm}
      onCancel={onCancel}
      testId="delete-dialog"
    >
      <p>
        “<span className="dialog-title-quote">{title}</span>” and all its answers will be deleted. This cannot be
        undone.
      </p>
    </ConfirmDialog>
  );
}

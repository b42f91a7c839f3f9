// A load that failed, told as a sentence (what, then why) with a Retry button; announced at once.
import { errorMessage } from "../../api";

export function LoadError({ what, error, onRetry }: { what: string; error: unknown; onRetry: () => void }) {
  return (
    <div role="alert" className="admin-load-error">
      <p className="error">
        {what} could not be loaded. {errorMessage(error)}
      </p>
      <button type="button" className="small" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}

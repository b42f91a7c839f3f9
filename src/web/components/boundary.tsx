// A fence around one part of a page (a message row, a panel): if it throws while rendering, only that part is
// replaced by a short notice; the rest of the page keeps working.
import type { ReactNode } from "react";
import { ErrorBoundary } from "react-error-boundary";

export function Boundary({ children, what = "This part" }: { children: ReactNode; what?: string }) {
  return (
    <ErrorBoundary
      fallbackRender={({ resetErrorBoundary }) => (
        <div className="boundary" role="status">
          {what} could not be shown.{" "}
          <button type="button" className="link" onClick={resetErrorBoundary}>
            Try again
          </button>
        </div>
      )}
    >
      {children}
    </ErrorBoundary>
  );
}

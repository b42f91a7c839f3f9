// Loading placeholders shaped like what is coming, so the page does not jump when it arrives.
export function PageSkeleton({ lines = 4 }: { lines?: number }) {
  return (
    <div aria-busy="true" aria-live="polite">
      <span className="sr-only">Loading…</span>
      <span className="skeleton" style={{ width: "40%", height: "1.6rem" }} />
      {Array.from({ length: lines }, (_, i) => (
        // The bars are identical and never reorder: the index is their identity.
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <span key={i} className="skeleton" style={{ width: `${90 - ((i * 17) % 40)}%` }} />
      ))}
    </div>
  );
}

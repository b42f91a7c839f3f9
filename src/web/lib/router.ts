// A small client-side router on the History API: paths in, a re-render out. No dependency needed.
import { useEffect, useState } from "react";

const listeners = new Set<() => void>();

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, "", path);
  for (const listener of listeners) listener();
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return path;
}

/** Intercepts clicks on same-origin links so they navigate without a reload. */
export function onLinkClick(event: React.MouseEvent<HTMLAnchorElement>): void {
  const href = event.currentTarget.getAttribute("href");
  if (!href?.startsWith("/") || href.startsWith("/api/") || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(href);
}

// The tab's title: the page's name, and while the inbox has unread entries their count in front, so a
// mention shows in a background tab ("(3) #general · Outpost").

/** "(3) Home · Outpost" when 3 inbox entries are unread; "Home · Outpost" when none; "Outpost" for Outpost. */
export function formatTabTitle(page: string, unread: number): string {
  const base = page === "Outpost" ? "Outpost" : `${page} · Outpost`;
  if (!Number.isFinite(unread) || unread <= 0) return base;
  return `(${unread > 99 ? "99+" : Math.floor(unread)}) ${base}`;
}

/** The badge's text: the count, "99+" beyond 99; null when there is nothing to show. */
export function badgeText(count: number): string | null {
  if (!Number.isFinite(count) || count <= 0) return null;
  return count > 99 ? "99+" : String(Math.floor(count));
}

// Queries more than one page shares, so they share one cache entry: the room list (sidebar, quick switcher,
// home, rooms page), search results, and the inbox.
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { api, ok } from "../api";

export const roomsQuery = queryOptions({
  queryKey: ["rooms"],
  queryFn: async () => (await ok(api.GET("/api/rooms"))).rooms,
  // The sidebar's unread counts: refreshed on focus, and every half minute while the tab is visible.
  refetchInterval: 30_000,
});

/** Results per section of a search. */
export const SEARCH_LIMIT = 20;

const fetchSearch = (q: string, signal: AbortSignal) =>
  ok(api.GET("/api/search", { params: { query: { q, limit: SEARCH_LIMIT } }, signal }));
export type SearchResults = Awaited<ReturnType<typeof fetchSearch>>;

/** GET /api/search?q=: messages in rooms this user may see and their own files, with snippets. */
export const searchQuery = (q: string) =>
  queryOptions({
    queryKey: ["search", q],
    queryFn: ({ signal }) => fetchSearch(q, signal),
    enabled: q.trim().length > 0,
    staleTime: 30_000,
  });

/** Inbox entries per page. */
export const INBOX_PAGE = 30;
export const INBOX_KEY = ["inbox"] as const;

const fetchInbox = (before: number | undefined, signal: AbortSignal) =>
  ok(
    api.GET("/api/inbox", {
      params: { query: { limit: INBOX_PAGE, ...(before === undefined ? {} : { before }) } },
      signal,
    }),
  );

/** GET /api/inbox?before=: the inbox, newest first, a page at a time (the inbox page scrolls through them). */
export const inboxQuery = infiniteQueryOptions({
  queryKey: INBOX_KEY,
  queryFn: ({ pageParam, signal }) => fetchInbox(pageParam, signal),
  initialPageParam: undefined as number | undefined,
  getNextPageParam: (page) => page.nextBefore ?? undefined,
});

/** POST /api/inbox/read: marks entries (or all) read; answers the unread count left. */
export async function markInboxRead(body: { ids: number[] } | { all: true }): Promise<number> {
  return (await ok(api.POST("/api/inbox/read", { body }))).unread;
}

// Queries more than one page shares, so they share one cache entry: the room list (sidebar, quick switcher,
// home, rooms page).
import { queryOptions } from "@tanstack/react-query";
import { api, ok } from "../api";

export const roomsQuery = queryOptions({
  queryKey: ["rooms"],
  queryFn: async () => (await ok(api.GET("/api/rooms"))).rooms,
  // The sidebar's unread counts: refreshed on focus, and every half minute while the tab is visible.
  refetchInterval: 30_000,
});

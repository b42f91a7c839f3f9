// The room's HTTP reads the live view needs besides its socket: history pages (before an id, or around one),
// a thread's page, and who can be mentioned. Plus the typing line's words.
import { queryOptions } from "@tanstack/react-query";
import type { HistoryPage, Member, RoomErrorCode, ThreadPage } from "../../../features/rooms/rooms.schema";
import { api, ok } from "../../api";

/** Messages per history page. */
export const PAGE = 100;

/** "Ada is typing…", "Ada and Bob are typing…", "Several people are typing…". */
export function typingText(names: string[]): string | null {
  if (names.length === 0) return null;
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return "Several people are typing…";
}

export async function historyPage(room: string, before: number, limit: number): Promise<HistoryPage> {
  return ok(api.GET("/api/rooms/{room}/history", { params: { path: { room }, query: { before, limit } } }));
}

/** The page centred on message `around` (a thread reply centres on its root); `nextAfter` null: nothing newer. */
export async function historyAround(room: string, around: number, limit: number): Promise<HistoryPage> {
  return ok(api.GET("/api/rooms/{room}/history", { params: { path: { room }, query: { around, limit } } }));
}

export async function threadPage(room: string, rootId: number, after?: number): Promise<ThreadPage> {
  return ok(
    api.GET("/api/rooms/{room}/threads/{rootId}", {
      params: { path: { room, rootId }, query: after === undefined ? {} : { after } },
    }),
  );
}

/** Who can be @mentioned in `room` whose name starts with (or contains) `q`. */
export const peopleQuery = (room: string, q: string) =>
  queryOptions({
    queryKey: ["room", room, "people", q],
    queryFn: async ({ signal }): Promise<Member[]> =>
      (await ok(api.GET("/api/rooms/{room}/people", { params: { path: { room }, query: { q } }, signal }))).people,
    staleTime: 30_000,
  });

/** The sentence for something the room refused for good, by its code (the room's own words otherwise). */
export function refusalText(reason: string, code?: RoomErrorCode): string {
  switch (code) {
    case "forbidden":
      return "You can only edit your own messages, and delete those you are allowed to: nothing was changed.";
    case "not-found":
      return "That message no longer exists (it was deleted, or is too old): nothing was changed.";
    case "too-many-reactions":
      return "This message has as many different reactions as it can take: add to one of those.";
    case "attachment-not-found":
      return "A file could not be attached (it is not one of your stored files): the message was not sent.";
    default:
      return reason;
  }
}

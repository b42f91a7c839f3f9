// The reader's place in a room, kept on the server (PUT /api/rooms/{room}/read): moved forward to the newest
// message once it has been in sight for a moment with the tab visible, at most about once a second, and once more
// on leaving the room (or closing the tab) if it is in sight then. The sidebar's and the rooms list's unread counts
// follow.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { api } from "../../api";
import { roomsQuery } from "../../lib/queries";

const EVERY_MS = 1_000;
/** The first time in a visit: soon, but not for a list that only passes the bottom on its way to its anchor. */
const FIRST_MS = 300;

/**
 * `newestSeen`: the newest message id while the newest messages are in sight (null while they are not);
 * `lastRead`: where the cursor stood when the room was opened.
 */
export function useReadCursor(room: string, newestSeen: number | null, lastRead: number, enabled: boolean) {
  const queryClient = useQueryClient();
  const seen = useRef<number | null>(null);
  seen.current = enabled ? newestSeen : null;
  const sent = useRef(lastRead);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refetched = useRef(false);

  const put = useRef((_lastId: number, _leaving: boolean) => {});
  /** Where the lists show this room's unread and mention counts: none up to `lastReadId`, said at once. */
  const showRead = (lastReadId: number) =>
    queryClient.setQueryData(roomsQuery.queryKey, (rooms) =>
      rooms?.map((r) =>
        r.name === room && lastReadId >= r.lastId
          ? { ...r, lastReadId, unread: 0, mentions: 0 }
          : r.name === room
            ? { ...r, lastReadId }
            : r,
      ),
    );

  put.current = (lastId: number, leaving: boolean) => {
    const before = sent.current;
    sent.current = lastId;
    // The sidebar and the rooms list say so before the server has answered (a list fetched meanwhile would not).
    void queryClient.cancelQueries({ queryKey: roomsQuery.queryKey });
    showRead(lastId);
    void api
      .PUT("/api/rooms/{room}/read", { params: { path: { room } }, body: { lastId }, keepalive: leaving })
      .then(({ data }) => {
        if (!data) throw new Error("not marked read");
        showRead(data.lastReadId);
        // The list itself is fetched again once per visit (and after leaving), with everyone's counts.
        if (leaving || !refetched.current) {
          refetched.current = true;
          void queryClient.invalidateQueries({ queryKey: roomsQuery.queryKey });
        }
      })
      .catch(() => {
        // Offline or refused: the next message in sight tries again, and the lists say what the server says.
        sent.current = Math.min(sent.current, before);
        void queryClient.invalidateQueries({ queryKey: roomsQuery.queryKey });
      });
  };

  /** Sends the newest message in sight now, if it is newer than what was sent. */
  const sendSeen = (leaving: boolean) => {
    const id = seen.current;
    if (id !== null && document.visibilityState === "visible" && id > sent.current) put.current(id, leaving);
  };
  const sendSeenRef = useRef(sendSeen);
  sendSeenRef.current = sendSeen;

  // The newest message is in sight (or a newer one arrived while it is): a second later, if it still is, it is
  // read. A message merely scrolled past, or shown while the tab is hidden, is not.
  useEffect(() => {
    if (newestSeen === null || !enabled) return;
    const arm = () => {
      if (document.visibilityState !== "visible" || newestSeen <= sent.current || timer.current !== null) return;
      timer.current = setTimeout(
        () => {
          timer.current = null;
          sendSeenRef.current(false);
        },
        sent.current === lastRead ? FIRST_MS : EVERY_MS,
      );
    };
    arm();
    document.addEventListener("visibilitychange", arm);
    return () => document.removeEventListener("visibilitychange", arm);
  }, [newestSeen, enabled, lastRead]);

  // Leaving the room, or the page.
  useEffect(() => {
    const onHide = () => sendSeenRef.current(true);
    window.addEventListener("pagehide", onHide);
    return () => {
      window.removeEventListener("pagehide", onHide);
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
      sendSeenRef.current(true);
      if (!refetched.current) void queryClient.invalidateQueries({ queryKey: roomsQuery.queryKey });
    };
  }, [queryClient]);
}

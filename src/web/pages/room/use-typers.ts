// Who is typing in a room: each typing frame shows its sender for a while (senders repeat every 2.5 s while they
// type); a message from them, or their leaving, ends it at once.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Member } from "../../../features/rooms/rooms.schema";
import { typingText } from "./room-api";

/** A typing indicator stays this long after the last typing frame. */
export const TYPING_SHOWN_MS = 4_500;

export function useTypers() {
  const [typers, setTypers] = useState<{ userId: string; name: string }[]>([]);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  const stop = useCallback((userId: string) => {
    const timer = timers.current.get(userId);
    if (timer === undefined) return;
    clearTimeout(timer);
    timers.current.delete(userId);
    setTypers((current) => current.filter((t) => t.userId !== userId));
  }, []);

  const typing = useCallback(
    (member: Member) => {
      const timer = timers.current.get(member.userId);
      if (timer !== undefined) clearTimeout(timer);
      else setTypers((current) => [...current, { userId: member.userId, name: member.displayName }]);
      timers.current.set(
        member.userId,
        setTimeout(() => stop(member.userId), TYPING_SHOWN_MS),
      );
    },
    [stop],
  );

  /** Those no longer in the room stop typing. */
  const keepOnly = useCallback(
    (members: Member[]) => {
      for (const userId of timers.current.keys()) if (!members.some((m) => m.userId === userId)) stop(userId);
    },
    [stop],
  );

  useEffect(() => {
    const all = timers.current;
    return () => {
      for (const timer of all.values()) clearTimeout(timer);
      all.clear();
    };
  }, []);

  return { text: typingText(typers.map((t) => t.name)), typing, stop, keepOnly };
}

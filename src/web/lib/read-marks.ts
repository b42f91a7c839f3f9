// Unread counts: the last message id this browser has shown in each room, kept in localStorage per user.

const key = (userId: string, room: string) => `outpost.read.${userId}.${room}`;

export function lastRead(userId: string, room: string): number {
  try {
    return Number(localStorage.getItem(key(userId, room)) ?? 0) || 0;
  } catch {
    return 0;
  }
}

/** Remembers `id` as read (never moves backwards). */
export function markRead(userId: string, room: string, id: number): void {
  try {
    if (id > lastRead(userId, room)) localStorage.setItem(key(userId, room), String(id));
  } catch {}
}

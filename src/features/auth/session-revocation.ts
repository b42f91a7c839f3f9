// When sessions end, whoever holds live connections made with them is told (the rooms feature registers its
// listener in src/app.ts; auth imports no feature). The HTTP answer waits a moment for the listeners, so a client
// usually sees its sockets closed before the answer, but never depends on them: failures are logged.
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env";

/**
 * Which of a user's sessions ended: the listed ones (logout, revoke one); all but `keepSession` (sign out
 * everywhere else; `sessions` lists those revoked); or, with `belowEpoch`, every session made before the
 * account's epoch was raised (password changed, disabled, role changed).
 */
export interface EndedSessions {
  userId: string;
  sessions?: string[];
  keepSession?: string;
  belowEpoch?: number;
}

export type SessionsEndedListener = (env: Env, ended: EndedSessions, c: Context<AppEnv>) => Promise<unknown>;

const listeners: SessionsEndedListener[] = [];
/** The longest an answer waits for the listeners; they carry on after it (waitUntil). */
const WAIT_AT_MOST_MS = 2_000;

/** Registers a listener (once, at app start). */
export function onSessionsEnded(listener: SessionsEndedListener): void {
  if (!listeners.includes(listener)) listeners.push(listener);
}

/** Tells every listener; resolves when they are done or after WAIT_AT_MOST_MS, whichever is first; never throws. */
export async function sessionsEnded(c: Context<AppEnv>, ended: EndedSessions): Promise<void> {
  if (listeners.length === 0) return;
  const work = Promise.all(
    listeners.map((listener) =>
      listener(c.env, ended, c).catch((error: unknown) => {
        c.get("logger")?.error("session end not passed on", { userId: ended.userId, error: String(error) });
      }),
    ),
  );
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (a route called directly in a test): the race below still waits for most of it.
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, WAIT_AT_MOST_MS);
  });
  await Promise.race([work, timeout]);
  clearTimeout(timer);
}

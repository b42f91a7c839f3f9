// When sessions end, the user's inbox closes the sockets opened with them (4401), as the rooms do.
import type { Logger } from "@outpost/edge-kit/context";
import type { InboxRevokeScope } from "./inbox";

export async function revokeInboxSessions(
  env: Env,
  ended: InboxRevokeScope & { userId: string },
  logger?: Logger,
): Promise<number> {
  const { userId, ...scope } = ended;
  try {
    return await env.INBOX.get(env.INBOX.idFromName(userId)).revokeSessions(scope);
  } catch (error) {
    logger?.warn("inbox not told of a revoked session", { userId, error: String(error) });
    return 0;
  }
}

// Front door of the inbox feature: the per-user Inbox Durable Object (mentions, @room, thread replies), its
// routes, and telling open inbox sockets that their session ended.
export { Inbox } from "./inbox";
export { createInboxRoutes } from "./inbox.routes";
export { revokeInboxSessions } from "./inbox-sessions";

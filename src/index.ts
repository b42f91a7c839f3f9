// Worker entry: wiring only. HTTP goes to the Hono app, queue batches to the dispatcher.
import { app } from "./app";
import { handleQueue } from "./queue";

export default {
  fetch: app.fetch,
  queue: handleQueue,
} satisfies ExportedHandler<Env>;

export { Metrics } from "./features/admin/metrics";
export { Counter } from "./features/counters/counter";
export { UserStats } from "./features/files/user-stats";
export { RateLimiter } from "./features/limits/rate-limiter";
export { ChatRoom } from "./features/rooms/chat-room";

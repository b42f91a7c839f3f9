// Worker entry: wiring only. HTTP goes to the Hono app, queue batches to the dispatcher, cron to the sweeper.
import { app } from "./app";
import { sweepFiles } from "./features/files/file-sweeper";
import { createLogger, isLogLevel } from "./kit/context";
import { handleQueue } from "./queue";

export default {
  fetch: app.fetch,
  queue: handleQueue,
  async scheduled(controller, env) {
    const logger = createLogger({
      level: isLogLevel(env.LOG_LEVEL) ? env.LOG_LEVEL : "info",
      fields: { cron: controller.cron },
    });
    const report = await sweepFiles(env, new Date(controller.scheduledTime), logger);
    logger.info("files swept", { ...report });
  },
} satisfies ExportedHandler<Env>;

export { Metrics } from "./features/admin/metrics";
export { Counter } from "./features/counters/counter";
export { UserStats } from "./features/files/user-stats";
export { RateLimiter } from "./features/limits/rate-limiter";
export { ChatRoom } from "./features/rooms/chat-room";

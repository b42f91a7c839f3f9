// Worker entry: wiring only. HTTP goes to the Hono app, queue batches to the dispatcher, cron to the sweeper.

import { createLogger, isLogLevel } from "@outpost/edge-kit/context";
import { app } from "./app";
import { FILES_BINDINGS, requireBindings } from "./bindings";
import { sweepFiles } from "./features/files";
import { handleQueue } from "./queue";

export default {
  fetch: app.fetch,
  queue: handleQueue,
  async scheduled(controller, env) {
    const logger = createLogger({
      level: isLogLevel(env.LOG_LEVEL) ? env.LOG_LEVEL : "info",
      fields: { cron: controller.cron },
    });
    const report = await sweepFiles(requireBindings(env, FILES_BINDINGS), new Date(controller.scheduledTime), logger);
    logger.info("files swept", { ...report });
  },
} satisfies ExportedHandler<Env>;

export { RateLimiter } from "@outpost/edge-kit/limiter";
export { Metrics } from "./features/admin";
export { Counter } from "./features/counters";
export { UserStats } from "./features/files";
export { Inbox } from "./features/inbox";
export { ChatRoom } from "./features/rooms";

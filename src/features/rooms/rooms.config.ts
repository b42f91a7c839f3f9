// Rooms configuration from the Worker's vars: the send budget and the retention, failing fast when wrong.
import { defineConfig, wholeNumber } from "@outpost/edge-kit/config";
import { z } from "zod";

const RoomsConfigSchema = z.object({
  /**
   * An optional cap on frames a second one room sends for messages (0 = none: a room coalesces only while it is
   * behind). Each broadcast costs one frame per socket, so with N sockets broadcasts are then at least N / budget
   * seconds apart (see BroadcastQueue).
   */
  ROOM_SEND_BUDGET: wholeNumber(0, 10_000_000).default(0),
  /** Messages a room keeps; older ones are deleted, checked every 100th message. */
  ROOM_RETENTION: wholeNumber(100, 100_000_000).default(10_000),
});

/** The rooms settings of `env`; throws ConfigError naming ROOM_SEND_BUDGET or ROOM_RETENTION when invalid. */
export const getRoomsConfig = defineConfig(RoomsConfigSchema);

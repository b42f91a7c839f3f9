export { evaluateFlag, type FlagDecision, type FlagReason, rolloutBucket } from "./evaluate";
export {
  type Flag,
  type FlagInput,
  FlagInputSchema,
  FlagNameSchema,
  FlagSchema,
  MAX_FLAG_BYTES,
} from "./flag-schema";
export { type FlagRead, FlagStore, type FlagStoreOptions, type FlagWrite } from "./flag-store";

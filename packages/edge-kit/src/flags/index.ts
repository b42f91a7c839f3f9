// Public surface of the flags area: flag schemas, evaluation, and the KV-backed store.
export {
  evaluateFlag,
  type FlagDecision,
  type FlagReason,
  type FlagUser,
  ROLLOUT_BUCKETS,
  rolloutBucket,
} from "./evaluate-flag";
export {
  FLAG_NAME_PATTERN,
  type Flag,
  type FlagInput,
  FlagInputSchema,
  FlagNameSchema,
  FlagSchema,
  isWithinFlagSizeLimit,
  MAX_ALLOW_LIST,
  MAX_FLAG_BYTES,
} from "./flag-schema";
export {
  type FlagEvaluations,
  type FlagIssue,
  type FlagListing,
  type FlagListOptions,
  type FlagPage,
  type FlagRead,
  FlagStore,
  type FlagStoreDecision,
  type FlagStoreOptions,
  type FlagWrite,
} from "./flag-store";

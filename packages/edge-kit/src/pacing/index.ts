export { type Clock, createManualClock, systemClock } from "./clock";
export {
  decide,
  type GcraDecision,
  type GcraState,
  isValidPolicy,
  MAX_GRID,
  MAX_LIMIT,
  MAX_PERIOD_MS,
  type RatePolicy,
} from "./gcra";
export { createLanes, type Lanes } from "./lanes";
export {
  BudgetExceededError,
  type BudgetOptions,
  budgetSlot,
  createSubrequestBudget,
  metered,
  type SubrequestBudget,
} from "./subrequest-budget";
export { createTokenBucketQueue, type TokenBucketOptions, type TokenBucketQueue } from "./token-bucket-queue";

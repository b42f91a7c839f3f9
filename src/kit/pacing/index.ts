export {
  decide,
  type GcraDecision,
  type GcraState,
  isValidPolicy,
  MAX_LIMIT,
  MAX_PERIOD_MS,
  type RatePolicy,
} from "./gcra";

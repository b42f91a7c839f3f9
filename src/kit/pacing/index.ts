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

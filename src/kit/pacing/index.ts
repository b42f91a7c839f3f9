export { decide, type GcraDecision, type GcraState, isValidPolicy, type RatePolicy } from "./gcra";

export { type BackoffOptions, MAX_RETRY_DELAY_SECONDS, retryDelaySeconds } from "./backoff";
export {
  type DispatchLogger,
  type DispatchReport,
  dispatchBatch,
  type MessageHandler,
  type Outcome,
  type QueueMessageLike,
} from "./dispatch";

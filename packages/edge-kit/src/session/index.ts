export {
  type SessionPolicy,
  type SessionRecord,
  SessionStore,
  type SessionStoreOptions,
  type SessionSummary,
  type ValidationResult,
} from "./session-store";

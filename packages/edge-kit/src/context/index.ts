export { type BindingAccessor, BindingUnavailableError, createBindingAccessor } from "./bindings";
export { createLogger, isLogLevel, type LogFields, type Logger, type LoggerOptions, type LogLevel } from "./logger";
export {
  type ContextSlot,
  createContextSlot,
  createRequestContext,
  currentContext,
  type RequestContext,
  requireContext,
  runWithContext,
} from "./request-context";
export { REQUEST_ID_HEADER, resolveRequestId } from "./request-id";

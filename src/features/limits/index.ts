// Front door of the limits feature: per-key exact limits (consumeLimit) and the route middleware.
export { CLIENT_IP_HEADER, clientIp, clientIpKey } from "./client-ip";
export { consumeLimit, type LimitAnswer, type RefusalListener, refundLimit } from "./consume-limit";
export type { PolicyName } from "./limits.config";
export { rateLimit } from "./rate-limit.middleware";

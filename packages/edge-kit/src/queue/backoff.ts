// Retry delays for queue messages: exponential from the attempt count, capped at the platform maximum.

/** Queues refuses `delaySeconds` above 12 hours (developers.cloudflare.com/queues/platform/limits/). */
export const MAX_RETRY_DELAY_SECONDS = 43_200;

export interface BackoffOptions {
  baseSeconds?: number;
  maxSeconds?: number;
}

/**
 * Delay before retry number `attempts` (1 = first delivery failed): base·2^(attempts−1), within [1, max].
 *
 * @example
 * retryDelaySeconds(1); // 10
 * retryDelaySeconds(4); // 80
 * retryDelaySeconds(100); // 43200
 */
export function retryDelaySeconds(attempts: number, options: BackoffOptions = {}): number {
  const base = options.baseSeconds ?? 10;
  const max = Math.min(options.maxSeconds ?? MAX_RETRY_DELAY_SECONDS, MAX_RETRY_DELAY_SECONDS);
  const exponent = Math.min(Math.max(Math.floor(attempts) || 1, 1) - 1, 30);
  return Math.max(1, Math.min(max, Math.round(base * 2 ** exponent)));
}

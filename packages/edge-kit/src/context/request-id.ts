// Request ids: accept a well-formed inbound X-Request-Id (for tracing across hops), otherwise mint one.

export const REQUEST_ID_HEADER = "X-Request-Id";
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Returns the inbound id if it is safe to echo and log, else a new random id. */
export function resolveRequestId(inbound: string | null | undefined, generate = () => crypto.randomUUID()): string {
  if (inbound && ACCEPTABLE_ID.test(inbound)) return inbound;
  return generate();
}

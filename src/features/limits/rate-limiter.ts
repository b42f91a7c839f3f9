// RateLimiter Durable Object: one per key. Declared now so the binding and its SQLite migration exist;
// no route reaches it until the rate-limit feature lands.
import { DurableObject } from "cloudflare:workers";

export class RateLimiter extends DurableObject<Env> {}

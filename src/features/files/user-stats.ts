// UserStats Durable Object: one per user. Declared now so the binding and its SQLite migration exist;
// no route reaches it until the Files feature lands.
import { DurableObject } from "cloudflare:workers";

export class UserStats extends DurableObject<Env> {}

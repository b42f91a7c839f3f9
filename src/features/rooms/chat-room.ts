// ChatRoom Durable Object: one per room. Declared now so the binding and its SQLite migration exist;
// no route reaches it until the Rooms feature lands.
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject<Env> {}

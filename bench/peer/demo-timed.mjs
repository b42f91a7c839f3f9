// The shared workers-chat-demo adapter, unchanged but for the send times it records (timed.mjs).
import demo from "./adapters/workers-chat-demo.mjs";
import { timed } from "./timed.mjs";

export default timed(demo);

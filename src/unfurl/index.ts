// outpost-unfurl: a WorkerEntrypoint reached only through the UNFURL service binding (RPC, no public route).
import { WorkerEntrypoint } from "cloudflare:workers";

export interface PingResult {
  service: "outpost-unfurl";
  ok: true;
  at: string;
}

export class Unfurl extends WorkerEntrypoint {
  /** Liveness probe used by /api/status to show that the service binding is wired. */
  async ping(): Promise<PingResult> {
    return { service: "outpost-unfurl", ok: true, at: new Date().toISOString() };
  }
}

export default {
  // The helper has no public surface: direct HTTP requests are refused.
  async fetch(): Promise<Response> {
    return new Response(null, { status: 404 });
  },
} satisfies ExportedHandler;

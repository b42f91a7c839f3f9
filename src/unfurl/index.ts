// outpost-unfurl: a WorkerEntrypoint reached only through the UNFURL service binding (RPC, no public route).
import { WorkerEntrypoint } from "cloudflare:workers";
import { fetchPreview, type PreviewResult } from "./fetch-preview";

export type { LinkPreview, PreviewResult } from "./fetch-preview";

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

  /**
   * Title, description, image and site name of a public web page. The only code in Outpost that fetches
   * arbitrary URLs: http(s) to public hosts only, redirects re-checked (at most 3), a 5 s timeout, at most
   * 512 KiB read. Never throws: a refusal or failure is `{ ok: false, reason }`.
   */
  async preview(url: string): Promise<PreviewResult> {
    if (typeof url !== "string") return { ok: false, reason: "not a URL" };
    return fetchPreview(url);
  }
}

export default {
  // The helper has no public surface: direct HTTP requests are refused.
  async fetch(): Promise<Response> {
    return new Response(null, { status: 404 });
  },
} satisfies ExportedHandler;

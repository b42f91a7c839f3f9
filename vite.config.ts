// One dev server for UI and API: Vite serves the React app, @cloudflare/vite-plugin runs the Worker (and the
// unfurl helper) in workerd with emulated bindings persisted under .wrangler/.

import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflare } from "@cloudflare/vite-plugin";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * In the browser bundle only, the shared zod schemas get src/web/zod-browser.ts in place of `@hono/zod-openapi`
 * and `zod` (see that file: it saves the browser about 67 KB gzipped). The Worker keeps the real modules.
 */
function browserZod(): Plugin {
  const shim = path.resolve(import.meta.dirname, "src/web/zod-browser.ts");
  return {
    name: "outpost:browser-zod",
    enforce: "pre",
    applyToEnvironment: (environment) => environment.name === "client",
    resolveId(id, importer) {
      if (!importer || importer === shim || importer.includes("/node_modules/")) return null;
      return id === "@hono/zod-openapi" || id === "zod" ? shim : null;
    },
  };
}

/** The part of `ws`'s client WebSocket these patches touch (ws 8 internals). */
interface RelayWebSocket {
  _isServer: boolean;
  _closeFrameReceived: boolean;
  _socket?: { once(event: "finish", listener: () => void): unknown; destroy(): void } | null;
  /** The opening handshake (Node's `http.ClientRequest`): stored before `ws` ends it, `null` once answered. */
  _req?: RelayHandshake | null;
  close(code?: number, reason?: string | Buffer): void;
}

/** The part of the handshake request the deflate patch touches. */
interface RelayHandshake {
  readonly headersSent: boolean;
  getHeader(name: string): unknown;
  removeHeader(name: string): void;
}

/** `ws` as the plugin's Miniflare requires it: its client WebSocket is the relay's leg to workerd. */
function relayWebSocketClass<T>(): { prototype: T } {
  const pluginEntry = fileURLToPath(import.meta.resolve("@cloudflare/vite-plugin"));
  const miniflareEntry = createRequire(pluginEntry).resolve("miniflare");
  return createRequire(miniflareEntry)("ws") as { prototype: T };
}

/**
 * Close codes from the Worker reach the browser at once through the dev server, 4xxx included.
 *
 * The plugin's WebSocket relay (Miniflare's `coupleWebSocket`) passes a close on to the browser only on the `ws`
 * client's `close` event, which `ws` emits once workerd has ended the TCP connection. After a Durable Object
 * closes a hibernatable socket from an RPC call (our 4403 on removal, 4401 on revocation) workerd keeps that
 * connection open about 10 s after the closing handshake (measured 2026-12-02, workerd 1.20261012), so the
 * browser saw the close 10 s late and a client with a shorter patience never saw it; closes sent while handling
 * a frame (1008, 1009) came in ~70 ms. This patch ends the relay's side of the connection as soon as both close
 * frames have been exchanged, which RFC 6455 §7.1.1 allows, so `close` fires with the Worker's code and reason.
 * Only `ws` clients in this Node process are touched (the relay's legs to workerd); the browser-facing server
 * sockets are not. Upstream report: docs/upstream/vite-plugin-websocket-close-delay.md.
 */
function promptWebSocketClose(): Plugin {
  // On the prototype, not in this module: Vite re-evaluates this file when it restarts the server.
  const PATCHED = Symbol.for("outpost.promptWebSocketClose");
  const patch = () => {
    const WebSocket = relayWebSocketClass<RelayWebSocket & { [PATCHED]?: true }>();
    if (WebSocket.prototype[PATCHED]) return;
    WebSocket.prototype[PATCHED] = true;
    const close = WebSocket.prototype.close;
    WebSocket.prototype.close = function (this: RelayWebSocket, code, reason) {
      close.call(this, code, reason);
      const socket = this._socket;
      if (this._isServer || !this._closeFrameReceived || !socket) return;
      // Our close frame is flushed once the socket's writable side finishes; then stop waiting for workerd.
      socket.once("finish", () => socket.destroy());
    };
  };
  return { name: "outpost:prompt-websocket-close", configureServer: patch, configurePreviewServer: patch };
}

/**
 * The dev server's WebSockets do not pay permessage-deflate between Vite and workerd.
 *
 * The plugin relays each browser WebSocket through Node: a `ws` server socket towards the browser (deflate off,
 * `ws`'s default) and a `ws` client that Miniflare's `dispatchFetch` opens to workerd. Miniflare passes that
 * client no `perMessageDeflate` option, so it offers deflate, and workerd accepts: the response reaches the
 * socket through Miniflare's own entry Worker, whose compatibility date (2025-03-17) turns compression on, so our
 * `no_web_socket_compression` never applies locally. workerd then deflated every frame once per socket and Node
 * inflated it again: at 200 clients and 40 messages/s, p50 24–63 ms and p99 119–220 ms through the dev server
 * against 13–15 and 40–86 ms without it (source and figures: docs/upstream/vite-plugin-websocket-deflate.md).
 * This patch withdraws the offer before the handshake is sent: `ws` stores its not-yet-ended request in `_req`,
 * and an accessor there removes `Sec-WebSocket-Extensions` from client handshakes that carry Miniflare's
 * `MF-Original-URL` header, i.e. only `dispatchFetch`'s WebSockets to its own workerd in this process (the
 * relay's legs and the plugin's module runner connections, all loopback). Browser-facing sockets and any other
 * `ws` client are not touched.
 */
function relayWebSocketWithoutDeflate(): Plugin {
  // On the prototype, not in this module: Vite re-evaluates this file when it restarts the server.
  const PATCHED = Symbol.for("outpost.relayWebSocketWithoutDeflate");
  const handshake = Symbol("outpost.relayHandshake");
  type Patched = RelayWebSocket & { [PATCHED]?: true; [handshake]?: RelayHandshake | null };
  const patch = () => {
    const WebSocket = relayWebSocketClass<Patched>();
    if (WebSocket.prototype[PATCHED]) return;
    WebSocket.prototype[PATCHED] = true;
    Object.defineProperty(WebSocket.prototype, "_req", {
      configurable: true,
      get(this: Patched) {
        return this[handshake];
      },
      set(this: Patched, request: RelayHandshake | null) {
        if (request && !this._isServer && !request.headersSent && request.getHeader("MF-Original-URL") !== undefined) {
          request.removeHeader("Sec-WebSocket-Extensions");
        }
        this[handshake] = request;
      },
    });
  };
  return { name: "outpost:relay-websocket-without-deflate", configureServer: patch, configurePreviewServer: patch };
}

function varOverrides(): Record<string, string> {
  const parsed: unknown = JSON.parse(process.env.OUTPOST_VARS ?? "{}");
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("OUTPOST_VARS: not an object");
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
}

export default defineConfig({
  plugins: [
    browserZod(),
    promptWebSocketClose(),
    relayWebSocketWithoutDeflate(),
    react(),
    cloudflare({
      configPath: "./wrangler.jsonc",
      // OUTPOST_VARS (a JSON object) overrides some of the Worker's vars for one run, e.g. the benchmarks'
      // {"LOG_LEVEL":"warn"}.
      config: (worker) => (process.env.OUTPOST_VARS ? { vars: { ...worker.vars, ...varOverrides() } } : {}),
      auxiliaryWorkers: [{ configPath: "./src/unfurl/wrangler.jsonc" }],
      // Offline by default: Workers AI is remote-only, so development uses AI_PROVIDER=offline.
      remoteBindings: false,
      inspectorPort: false,
      // The smoke test (scripts/smoke.mjs) runs against its own state directory.
      persistState: process.env.OUTPOST_PERSIST ? { path: process.env.OUTPOST_PERSIST } : true,
    }),
  ],
  // cors: false: Vite would otherwise answer every preflight itself and echo any localhost Origin, so the
  // Worker's origin policy (src/http/origin-policy.ts) would never run in development. Now OPTIONS reaches the
  // Worker, as in production.
  server: { host: "127.0.0.1", port: 5173, strictPort: false, cors: false },
  preview: { host: "127.0.0.1", port: 4173, cors: false },
  build: { outDir: "dist" },
});

// Share links over HTTP: create, list and revoke a file's links, and open a shared file without signing in.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { errors } from "@outpost/edge-kit/errors";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { json, problem } from "../../http/openapi";
import { serveContent } from "./file-content";
import { fileErrors } from "./file-errors";
import type { FileRecord } from "./file-record";
import { visibleFile } from "./file-request";
import { CONTENT_RESPONSES, FILE_TAGS, FileParamSchema, fileRoute } from "./file-route";
import { FileIdSchema, ShareLinkCreateSchema, ShareLinkSchema } from "./files.schema";
import {
  createShareLink,
  resolveShareToken,
  ShareLinkRefusedError,
  ShareLinkStore,
  type ShareRefusal,
} from "./share-links";

const HTML_TYPES = new Set(["text/html", "application/xhtml+xml"]);
const JSON_TYPES = new Set(["application/json", "application/problem+json", "application/*"]);

/**
 * Whether an Accept header prefers HTML over JSON: true for a browser's navigation (`text/html,
 * application/xhtml+xml, …` with the any-type wildcard at a lower q), false for the wildcard alone, a JSON type,
 * a tie, or no header, so API clients keep problem+json. Only types named outright count.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(",").slice(0, 32)) {
    const [type = "", ...params] = part.split(";").map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (!Number.isFinite(weight)) continue;
    if (HTML_TYPES.has(type)) html = Math.max(html, weight);
    if (JSON_TYPES.has(type)) json = Math.max(json, weight);
  }
  return html > 0 && html > json;
}

const REFUSAL_PAGE: Record<ShareRefusal, { heading: string; text: string }> = {
  expired: {
    heading: "This link has expired",
    text: "Share links work only for a limited time, and this one has run out.",
  },
  revoked: {
    heading: "This link was revoked",
    text: "The person who shared it has turned this link off.",
  },
  invalid: {
    heading: "This link is not valid",
    text: "It may have been copied incompletely or changed. It does not open any file.",
  },
  gone: {
    heading: "This file is no longer shared",
    text: "The file behind this link has been deleted.",
  },
};

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/**
 * The refusal as a small self-contained page: same status, inline CSS only, no scripts, nothing cached.
 * The CSP allows the inline style and nothing else.
 */
function refusalPage(error: ShareLinkRefusedError, requestId: string | undefined): Response {
  const { heading, text } = REFUSAL_PAGE[error.reason];
  const reference = requestId ? `<p class="ref">Reference: ${escapeHtml(requestId)}</p>` : "";
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(heading)} · Outpost</title>
<style>
:root { color-scheme: light dark; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1f2328; }
main { max-width: 28rem; margin: 1.5rem; padding: 2rem; border-radius: 12px; background: #fff; box-shadow: 0 1px 3px rgb(0 0 0 / 0.12); }
h1 { margin: 0 0 0.75rem; font-size: 1.4rem; }
p { margin: 0 0 1rem; }
a { display: inline-block; padding: 0.5rem 1rem; border-radius: 8px; background: #0b57d0; color: #fff; text-decoration: none; font-weight: 600; }
a:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.ref { margin: 1.25rem 0 0; font-size: 0.8rem; color: #59636e; }
@media (prefers-color-scheme: dark) {
  body { background: #0d1117; color: #e6edf3; }
  main { background: #161b22; box-shadow: none; border: 1px solid #30363d; }
  a { background: #4493f8; color: #0d1117; }
  .ref { color: #9198a1; }
}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(heading)}</h1>
<p>${escapeHtml(text)}</p>
<p>If you still need the file, ask the person who shared it with you for a new link.</p>
<a href="/">Go to Outpost</a>
${reference}
</main>
</body>
</html>
`;
  return new Response(html, {
    status: error.status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
      "Cache-Control": "no-store",
      // The same URL answers HTML or JSON by Accept.
      Vary: "Accept",
    },
  });
}

export function createShareLinkRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    fileRoute({
      method: "post",
      path: "/api/files/{id}/links",
      summary: "Create a share link: a signed URL that opens the file without signing in until it expires",
      request: { body: { content: { "application/json": { schema: ShareLinkCreateSchema } }, required: true } },
      responses: { 201: json(ShareLinkSchema, "The link (its URL is shown only now)"), 409: problem("Not stored yet") },
    }),
    async (c) => {
      const record = await visibleFile(c, c.req.valid("param").id);
      if (record.status === "uploading") throw fileErrors.notReady();
      const link = await createShareLink(
        c.env,
        record,
        c.req.valid("json").expiresInSeconds,
        new URL(c.req.url).origin,
      );
      c.header("Cache-Control", "no-store");
      return c.json(link, 201);
    },
  );

  router.openapi(
    fileRoute({
      method: "get",
      path: "/api/files/{id}/links",
      summary: "The file's share links (URLs are not stored, so they are not shown again)",
      responses: { 200: json(z.object({ links: z.array(ShareLinkSchema) }), "Links, newest first") },
    }),
    async (c) => {
      const record = await visibleFile(c, c.req.valid("param").id);
      const links = await new ShareLinkStore(c.env.DB).list(record.id);
      c.header("Cache-Control", "private, no-store");
      return c.json({ links: links.map((link) => ({ ...link, url: null })) }, 200);
    },
  );

  router.openapi(
    fileRoute({
      method: "delete",
      path: "/api/files/{id}/links/{linkId}",
      summary: "Revoke a share link at once (checked in D1 on every use)",
      request: {
        params: FileParamSchema.extend({ linkId: FileIdSchema.openapi({ param: { name: "linkId", in: "path" } }) }),
      },
      responses: { 204: { description: "Revoked" } },
    }),
    async (c) => {
      const { id, linkId } = c.req.valid("param");
      const record = await visibleFile(c, id);
      const revoked = await new ShareLinkStore(c.env.DB).revoke(record.id, linkId, new Date().toISOString());
      if (!revoked) throw errors.notFound("No such link for this file");
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/share/{token}",
      tags: FILE_TAGS,
      summary: "Open a shared file without signing in (403 when the link is invalid, expired or revoked)",
      security: [{}],
      request: {
        params: z.object({
          token: z
            .string()
            .max(2_048)
            .openapi({ param: { name: "token", in: "path" } }),
        }),
      },
      responses: {
        ...CONTENT_RESPONSES,
        403: {
          description:
            "The link is invalid, expired or revoked: problem+json, or a short HTML page when Accept prefers text/html (a browser)",
          content: { ...problem("").content, "text/html": { schema: z.string() } },
        },
      },
    }),
    async (c) => {
      let record: FileRecord;
      try {
        record = await resolveShareToken(c.env, c.req.valid("param").token, c.req.method);
      } catch (error) {
        // A person who opened the link in a browser gets a page that says what happened; anyone else the
        // problem+json the error handler makes of the error.
        if (error instanceof ShareLinkRefusedError && prefersHtml(c.req.header("Accept"))) {
          return refusalPage(error, c.get("requestId")) as never;
        }
        throw error;
      }
      return serveContent(c.env.FILES, record, c.req.raw) as never;
    },
  );

  return router;
}

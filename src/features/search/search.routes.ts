// GET /api/search: the caller's rooms' messages and their own files in one query, with snippets.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { errors } from "@outpost/edge-kit/errors";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { json } from "../../http/openapi";
import { userRoute } from "../auth";
import { findFiles } from "./file-hits";
import { findMessages } from "./message-hits";
import {
  SEARCH_LIMIT_DEFAULT,
  SEARCH_LIMIT_MAX,
  SEARCH_QUERY_MAX,
  SearchQuerySchema,
  type SearchResults,
  SearchResultsSchema,
} from "./search.schema";
import { searchTerms } from "./search-terms";
import { SEARCH_ROOMS_MAX, searchableRooms } from "./searchable-rooms";

export function createSearchRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/search",
      tags: ["search"],
      summary: `Search messages in the rooms I may read (≤ ${SEARCH_ROOMS_MAX} most recently active) and my own files`,
      description:
        `\`q\`: 1–${SEARCH_QUERY_MAX} characters, else 400. Only its words (runs of letters and digits, at most 8) are ` +
        "searched: quotes, `*`, `:`, `^`, `-`, parentheses and the operators AND, OR, NOT and NEAR are never syntax, " +
        "and a query with no words answers 200 with no hits. Messages: any word, as a case-insensitive substring, " +
        "newest first; deleted messages are never found. Files: the caller's own only, by name, summary and " +
        "keywords, best match first. Snippets are plain text with the matches as offsets, never HTML. " +
        `At most \`limit\` (1–${SEARCH_LIMIT_MAX}, default ${SEARCH_LIMIT_DEFAULT}) of each.`,
      request: { query: SearchQuerySchema },
      responses: { 200: json(SearchResultsSchema, "Hits") },
    }),
    async (c) => {
      const { q, limit = SEARCH_LIMIT_DEFAULT } = c.req.valid("query");
      const principal = c.get("principal");
      if (!principal) throw errors.unauthorized();
      c.header("Cache-Control", "private, no-store");
      const terms = searchTerms(q);
      const results: SearchResults = { query: q, terms, messages: [], files: [] };
      if (terms.length === 0) return c.json(results, 200);
      const [messages, files] = await Promise.all([
        searchableRooms(c.env.DB, principal.userId).then((rooms) =>
          findMessages(c.env, rooms, terms, limit, c.get("logger")),
        ),
        findFiles(c.env.DB, principal.userId, terms, limit),
      ]);
      return c.json({ ...results, messages, files }, 200);
    },
  );

  return router;
}

// Search over the rooms I may read and my own files: the query and the results, shared with the UI.
import { z } from "@hono/zod-openapi";
import { text } from "@outpost/edge-kit/text";
import { ChatMessageSchema } from "../rooms/rooms.schema";

/** The longest `q` accepted (characters, as JavaScript counts them). */
export const SEARCH_QUERY_MAX = 200;
export const SEARCH_LIMIT_MAX = 50;
export const SEARCH_LIMIT_DEFAULT = 20;
/** Words of a query actually searched for (the first ones); the rest are ignored. */
export const SEARCH_TERMS_MAX = 8;
/** About how long a snippet is (characters, an ellipsis on a cut side included). */
export const SNIPPET_MAX = 160;

export const SearchQuerySchema = z.object({
  q: text()
    .min(1)
    .max(SEARCH_QUERY_MAX)
    .openapi({
      param: { name: "q", in: "query" },
      description:
        "Words to find (letters and digits; everything else separates words, and search syntax such as quotes, `*`, `NEAR`, `AND`, `OR`, `NOT` and parentheses is ignored). A message or file matches if it contains any of them; the last word also matches as a prefix in file names and summaries.",
      example: "launch plan",
    }),
  limit: z
    .string()
    .regex(/^\d{1,2}$/, `must be a whole number from 1 to ${SEARCH_LIMIT_MAX}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(SEARCH_LIMIT_MAX))
    .optional()
    .openapi({
      param: { name: "limit", in: "query" },
      type: "integer",
      description: `At most this many messages and this many files (default ${SEARCH_LIMIT_DEFAULT})`,
    }),
});

export const SnippetSchema = z
  .object({
    /** Plain text (never HTML): up to about SNIPPET_MAX characters around the first match, "…" where cut. */
    text: z.string(),
    /** Where the search terms are in `text`: [start, end) offsets in UTF-16 code units, in order, never overlapping. */
    highlights: z.array(z.tuple([z.number().int(), z.number().int()])),
  })
  .openapi("SearchSnippet");
export type Snippet = z.infer<typeof SnippetSchema>;

export const MessageHitSchema = z
  .object({
    room: z.string(),
    /** The message as it is now (open it with GET /api/rooms/{room}/history?around={message.id}). */
    message: ChatMessageSchema,
    snippet: SnippetSchema,
  })
  .openapi("MessageHit");
export type MessageHit = z.infer<typeof MessageHitSchema>;

export const FileHitSchema = z
  .object({
    fileId: z.string(),
    name: z.string(),
    contentType: z.string(),
    /** From the file's summary or keywords where they match, else from its name. */
    snippet: SnippetSchema,
  })
  .openapi("FileSearchHit");
export type FileSearchHit = z.infer<typeof FileHitSchema>;

export const SearchResultsSchema = z
  .object({
    /** `q` as it was sent. */
    query: z.string(),
    /** The words searched for (empty when `q` has none: then there are no hits either). */
    terms: z.array(z.string()),
    /** Newest first, from the rooms the caller may read (public rooms and private rooms they are a member of). */
    messages: z.array(MessageHitSchema),
    /** The caller's own files only, best match first. */
    files: z.array(FileHitSchema),
  })
  .openapi("SearchResults");
export type SearchResults = z.infer<typeof SearchResultsSchema>;

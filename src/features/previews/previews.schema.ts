// A link preview as the API, the room protocol and the UI see it (shared; no server code behind it).
import { z } from "@hono/zod-openapi";

/**
 * An absolute http(s) URL that the WHATWG URL parser accepts (zod's `url` check parses it with `new URL`), at most
 * 2 048 characters: what a client may pass to `new URL` or put in an `href` without a second thought.
 */
export const HttpUrlSchema = z.url({ protocol: /^https?$/ }).max(2_048);

export const LinkPreviewSchema = z.object({
  url: HttpUrlSchema,
  title: z.string().nullable(),
  description: z.string().nullable(),
  image: HttpUrlSchema.nullable(),
  siteName: z.string().nullable(),
});
export type LinkPreviewView = z.infer<typeof LinkPreviewSchema>;

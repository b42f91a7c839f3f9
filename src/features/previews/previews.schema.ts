// A link preview as the API, the room protocol and the UI see it (shared; no server code behind it).
import { z } from "@hono/zod-openapi";

export const LinkPreviewSchema = z.object({
  url: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  image: z.string().nullable(),
  siteName: z.string().nullable(),
});
export type LinkPreviewView = z.infer<typeof LinkPreviewSchema>;

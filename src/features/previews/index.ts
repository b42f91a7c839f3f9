// Front door of the link-previews feature: links found in a text, and their cached previews.
export { linkPreview } from "./link-previews";
export { linksIn, MAX_LINKS, normaliseLink } from "./links";

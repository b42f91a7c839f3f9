// Front door of the link-previews feature: links found in a text, and their cached previews.
export { linkPreview, linksIn } from "./link-previews";

// The Markdown half of a chat message (react-markdown + remark-gfm, about 45 KB gzipped), in a chunk of its own:
// message-markdown.tsx shows plain text at once and loads this only when a message has markup. Raw HTML is shown
// as text, links open in a new tab and only http(s) and mailto links are links at all, and images are never loaded
// from a message: image syntax becomes a link to the image. Headings become bold lines, so a message cannot add
// headings to the page's outline.
import type { ReactElement, ReactNode } from "react";
import Markdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { safeMessageUrl } from "./message-markdown";

const Heading = ({ children }: { children?: ReactNode }) => (
  <p className="md-heading">
    <strong>{children}</strong>
  </p>
);

const components: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ src, alt }) => {
    const href = typeof src === "string" ? src : undefined;
    const label = alt ? `Image: ${alt}` : "Image";
    return href ? (
      <a href={href} target="_blank" rel="noopener noreferrer" className="md-image-link">
        {label}
      </a>
    ) : (
      <span>{label}</span>
    );
  },
  h1: Heading,
  h2: Heading,
  h3: Heading,
  h4: Heading,
  h5: Heading,
  h6: Heading,
  table: ({ children }) => (
    <div className="md-table">
      <table>{children}</table>
    </div>
  ),
};

const remarkPlugins = [remarkGfm];

/** `text` as Markdown. Markdown is a plain function of its options (no hooks): its result can be kept and reused. */
export function renderMarkdown(text: string): ReactElement {
  return Markdown({ children: text, remarkPlugins, components, urlTransform: safeMessageUrl });
}

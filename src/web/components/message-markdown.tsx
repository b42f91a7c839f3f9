// A chat message's text as Markdown (GitHub flavour: lists, code, tables, strikethrough, autolinks). Raw HTML is
// shown as text, links open in a new tab and only http(s) and mailto links are links at all, and images are never
// loaded from a message: image syntax becomes a link to the image. Headings become bold lines, so a message
// cannot add headings to the page's outline.
import { memo, type ReactElement, type ReactNode } from "react";
import Markdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/** `url` if it is an absolute http(s) or mailto URL; nothing otherwise (javascript:, data:, relative paths…). */
export function safeMessageUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

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

/**
 * Text with nothing Markdown would change: no markup characters, no line breaks, nothing that autolinks. Most chat
 * messages are like this, and are shown as they are without parsing.
 */
const PLAIN = /^[^\n*_`~#>[\]()<>|!\\@&=]*$/;
/** A list item's start, or what GFM turns into a link by itself. */
const NOT_PLAIN = /^\s*([-+]|\d+[.)])\s|:\/\/|www\./i;

/** Rendered messages by text: rows scrolled out of view and back are not parsed again (a list holds thousands). */
const rendered = new Map<string, ReactElement>();
const CACHE_SIZE = 2_000;

function render(text: string): ReactElement {
  const cached = rendered.get(text);
  if (cached) return cached;
  const element =
    PLAIN.test(text) && !NOT_PLAIN.test(text) ? (
      <p>{text}</p>
    ) : (
      // Markdown is a plain function of its options (no hooks): its result can be kept and shown again.
      Markdown({ children: text, remarkPlugins, components, urlTransform: safeMessageUrl })
    );
  if (rendered.size >= CACHE_SIZE) {
    const oldest = rendered.keys().next().value;
    if (oldest !== undefined) rendered.delete(oldest);
  }
  rendered.set(text, element);
  return element;
}

export const MessageMarkdown = memo(function MessageMarkdown({ text }: { text: string }) {
  return <div className="md">{render(text)}</div>;
});

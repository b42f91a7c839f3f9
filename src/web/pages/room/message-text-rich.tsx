// The Markdown half of a room message (react-markdown + remark-gfm), in a chunk of its own: message-text.tsx shows
// plain text at once and loads this only when a message has markup. Raw HTML stays text (react-markdown's default;
// never rehype-raw), links open in a new tab with rel="noopener noreferrer nofollow", only http(s) and mailto URLs
// are links at all (a javascript: link is its text), images are never loaded (a link to the image instead),
// headings are bold lines (a message adds nothing to the page's outline), and mentions are highlighted.
import type { ReactElement, ReactNode } from "react";
import Markdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { safeMessageUrl } from "../../components/message-markdown";
import { type MentionNames, splitMentions } from "./mentions";

export const LINK_REL = "noopener noreferrer nofollow";

const Heading = ({ children }: { children?: ReactNode }) => (
  <p className="md-heading">
    <strong>{children}</strong>
  </p>
);

const components: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel={LINK_REL}>
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ src, alt }) => {
    const href = typeof src === "string" ? src : undefined;
    const label = alt ? `Image: ${alt}` : "Image";
    return href ? (
      <a href={href} target="_blank" rel={LINK_REL} className="md-image-link">
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

/** The part of an mdast node this plugin reads and writes. */
interface Node {
  type: string;
  value?: string;
  children?: Node[];
  data?: { hName?: string; hProperties?: Record<string, unknown> };
}

/** Inside these, "@name" is code or a link's text: left alone. */
const SKIP = new Set(["link", "linkReference", "inlineCode", "code", "html"]);

/** A remark plugin: each mention in a text node becomes <span class="mention">, "mention mine" for the reader. */
function remarkMentions(mentions: MentionNames | null) {
  const walk = (node: Node) => {
    if (!node.children || SKIP.has(node.type)) return;
    node.children = node.children.flatMap((child): Node[] => {
      if (child.type !== "text" || child.value === undefined) {
        walk(child);
        return [child];
      }
      const segments = splitMentions(child.value, mentions);
      if (segments.length === 1 && segments[0]?.kind === "text") return [child];
      return segments.map((s) =>
        s.kind === "text"
          ? { type: "text", value: s.text }
          : {
              type: "mention",
              children: [{ type: "text", value: s.text }],
              data: { hName: "span", hProperties: { className: s.mine ? ["mention", "mine"] : ["mention"] } },
            },
      );
    });
  };
  return () => (tree: Node) => {
    if (mentions) walk(tree);
  };
}

/** `text` as Markdown (a plain function of its inputs: the result can be kept and reused). */
export function renderMarkdown(text: string, mentions: MentionNames | null): ReactElement {
  return Markdown({
    children: text,
    remarkPlugins: [remarkGfm, remarkMentions(mentions)],
    components,
    urlTransform: safeMessageUrl,
  });
}

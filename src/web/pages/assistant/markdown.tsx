// An answer's text as Markdown (GitHub flavour): raw HTML is not rendered, links go only to http(s), mailto or
// Outpost's own pages (those through the router), images are shown as links and never loaded, and the answer's
// citation marks ("[2]") become links to its sources. Memoised by text: an answer re-renders only as it grows.
import { memo, type ReactNode, useMemo } from "react";
import Markdown, { type Components, type Options } from "react-markdown";
import { Link } from "react-router";
import remarkGfm from "remark-gfm";
import { internalPath, safeUrl } from "./links";

/** A link anywhere in the answer or its sources: the router's Link inside Outpost, a new tab outside it. */
export function SmartLink({ href, children, className }: { href: string; children: ReactNode; className?: string }) {
  const safe = safeUrl(href);
  if (!safe) return <span className={className}>{children}</span>;
  const to = internalPath(safe);
  if (to) {
    return (
      <Link to={to} className={className}>
        {children}
      </Link>
    );
  }
  const external = /^https?:|^\/\//i.test(safe);
  return (
    <a
      href={safe}
      className={className}
      {...(external ? { target: "_blank", rel: "noopener noreferrer nofollow" } : {})}
    >
      {children}
    </a>
  );
}

// ---- Citation marks: "[2]" in the text (not in code) becomes a link to source 2. ----

interface MdNode {
  type: string;
  value?: string;
  url?: string;
  children?: MdNode[];
  data?: Record<string, unknown>;
}

const CITE_PREFIX = "#cite-";
const MARK = /\[(\d{1,2})\]/g;

/** A remark plugin: `[n]` marks for the `count` sources become links `#cite-n` (rendered by the `a` component). */
function remarkCitationMarks(options: { count: number }) {
  const split = (value: string): MdNode[] | null => {
    const out: MdNode[] = [];
    let last = 0;
    for (const match of value.matchAll(MARK)) {
      const n = Number(match[1]);
      if (n < 1 || n > options.count || match.index === undefined) continue;
      if (match.index > last) out.push({ type: "text", value: value.slice(last, match.index) });
      out.push({ type: "link", url: `${CITE_PREFIX}${n}`, children: [{ type: "text", value: String(n) }] });
      last = match.index + match[0].length;
    }
    if (out.length === 0) return null;
    if (last < value.length) out.push({ type: "text", value: value.slice(last) });
    return out;
  };
  const walk = (node: MdNode) => {
    if (!node.children || node.type === "link" || node.type === "linkReference") return;
    node.children = node.children.flatMap((child) => {
      if (child.type === "text" && child.value) return split(child.value) ?? [child];
      walk(child);
      return [child];
    });
  };
  return (tree: MdNode) => {
    if (options.count > 0) walk(tree);
  };
}

interface AnswerMarkdownProps {
  text: string;
  /** How many sources the answer has, so only real `[n]` marks become links. */
  sources: number;
  /** Moves focus to source `n` of this answer. */
  onCite: (n: number) => void;
}

function AnswerMarkdownImpl({ text, sources, onCite }: AnswerMarkdownProps) {
  const remarkPlugins = useMemo(
    () => [remarkGfm, [remarkCitationMarks, { count: sources }]] as Options["remarkPlugins"],
    [sources],
  );
  const components = useMemo<Components>(
    () => ({
      a({ href, children }) {
        if (href?.startsWith(CITE_PREFIX)) {
          const n = Number(href.slice(CITE_PREFIX.length));
          return (
            <a
              href={href}
              className="cite"
              aria-label={`Source ${n}`}
              onClick={(event) => {
                event.preventDefault();
                onCite(n);
              }}
            >
              {n}
            </a>
          );
        }
        return <SmartLink href={href ?? ""}>{children}</SmartLink>;
      },
      img({ src, alt }) {
        const label = alt?.trim() ? `Image: ${alt.trim()}` : "Image";
        return typeof src === "string" && src ? <SmartLink href={src}>{label}</SmartLink> : <span>{label}</span>;
      },
      table({ node: _node, ...props }) {
        return (
          <div className="table-scroll">
            <table {...props} />
          </div>
        );
      },
      // Markdown headings sit under the page's h1 and each question's h2.
      h1: "h3",
      h2: "h4",
      h3: "h5",
      h4: "h6",
      h5: "h6",
    }),
    [onCite],
  );
  return (
    <Markdown remarkPlugins={remarkPlugins} components={components} urlTransform={safeUrl} skipHtml>
      {text}
    </Markdown>
  );
}

export const AnswerMarkdown = memo(AnswerMarkdownImpl);

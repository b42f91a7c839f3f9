// A chat message's text. Most messages are plain words and are shown as they are; one with Markdown (GitHub
// flavour: lists, code, tables, strikethrough, autolinks) is rendered by message-markdown-rich.tsx, a chunk loaded
// the first time such a message is shown (until then its text shows as written). See that file for the rules:
// raw HTML as text, only http(s) and mailto links, images never loaded.
import { memo, type ReactElement, useEffect, useState } from "react";

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

type Renderer = (text: string) => ReactElement;
let renderRich: Renderer | null = null;
let loading: Promise<Renderer> | null = null;

/** Loads the Markdown renderer (once); messages rendered after this resolves are rendered as Markdown. */
export function loadMarkdown(): Promise<Renderer> {
  loading ??= import("./message-markdown-rich").then((module) => {
    renderRich = module.renderMarkdown;
    return module.renderMarkdown;
  });
  return loading;
}

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

export function isPlainText(text: string): boolean {
  return PLAIN.test(text) && !NOT_PLAIN.test(text);
}

/** The rendered message, or null while the Markdown renderer it needs is still loading. */
function render(text: string): ReactElement | null {
  const cached = rendered.get(text);
  if (cached) return cached;
  const plain = isPlainText(text);
  if (!plain && !renderRich) return null;
  const element = plain || !renderRich ? <p>{text}</p> : renderRich(text);
  if (rendered.size >= CACHE_SIZE) {
    const oldest = rendered.keys().next().value;
    if (oldest !== undefined) rendered.delete(oldest);
  }
  rendered.set(text, element);
  return element;
}

export const MessageMarkdown = memo(function MessageMarkdown({ text }: { text: string }) {
  const element = render(text);
  const [, setLoaded] = useState(false);
  useEffect(() => {
    if (element) return;
    let live = true;
    void loadMarkdown().then(() => live && setLoaded(true));
    return () => {
      live = false;
    };
  }, [element]);
  // Until the renderer arrives, the text shows as written (whitespace kept), never blank.
  return <div className="md">{element ?? <p className="md-pending">{text}</p>}</div>;
});

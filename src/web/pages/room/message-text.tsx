// A room message's text: its Markdown source rendered, with the mentions highlighted (more strongly those for the
// reader). Most messages are plain words: shown at once, without parsing. One with markup is rendered by
// message-text-rich.tsx, loaded the first time such a message is shown (until then its text shows as written).
import { memo, type ReactElement, useEffect, useState } from "react";
import { isPlainText } from "../../components/message-markdown";
import { type MentionNames, splitMentions } from "./mentions";

type Renderer = (text: string, mentions: MentionNames | null) => ReactElement;
let renderRich: Renderer | null = null;
let loading: Promise<Renderer> | null = null;

/** Loads the Markdown renderer (once); messages rendered after this resolves are rendered as Markdown. */
export function loadMessageText(): Promise<Renderer> {
  loading ??= import("./message-text-rich").then((module) => {
    renderRich = module.renderMarkdown;
    return module.renderMarkdown;
  });
  return loading;
}

/** Plain words, with the mentions in them highlighted. */
export function PlainText({ text, mentions }: { text: string; mentions: MentionNames | null }) {
  return (
    <p>
      {splitMentions(text, mentions).map((s, i) =>
        s.kind === "text" ? (
          s.text
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of one fixed text
          <span key={i} className={s.mine ? "mention mine" : "mention"}>
            {s.text}
          </span>
        ),
      )}
    </p>
  );
}

/** Rendered messages by text and mentions: rows scrolled out of view and back are not parsed again. */
const rendered = new Map<string, ReactElement>();
const CACHE_SIZE = 2_000;

function render(text: string, mentions: MentionNames | null): ReactElement | null {
  const key = mentions
    ? `${mentions.names.join("\u0001")}\u0002${[...mentions.mine].join("\u0001")}\u0002${text}`
    : text;
  const cached = rendered.get(key);
  if (cached) return cached;
  const plain = isPlainText(text);
  if (!plain && !renderRich) return null;
  const element = plain || !renderRich ? <PlainText text={text} mentions={mentions} /> : renderRich(text, mentions);
  if (rendered.size >= CACHE_SIZE) {
    const oldest = rendered.keys().next().value;
    if (oldest !== undefined) rendered.delete(oldest);
  }
  rendered.set(key, element);
  return element;
}

export const MessageText = memo(function MessageText({
  text,
  mentions,
}: {
  text: string;
  mentions: MentionNames | null;
}) {
  const element = render(text, mentions);
  const [, setLoaded] = useState(false);
  useEffect(() => {
    if (element) return;
    let live = true;
    void loadMessageText().then(() => live && setLoaded(true));
    return () => {
      live = false;
    };
  }, [element]);
  return <div className="md">{element ?? <p className="md-pending">{text}</p>}</div>;
});

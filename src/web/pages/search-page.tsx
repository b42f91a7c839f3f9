// Search: /search?q=… finds messages in the rooms this user may see and their own files (GET /api/search). Two
// sections, each result with its snippet and the matched words marked (from the server's offsets, rendered as
// text and <mark>, never as HTML). A message opens its room at that message, in context; a file opens on the
// files page.
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { errorMessage } from "../api";
import { ErrorAlert } from "../components/error-alert";
import { describeType, formatShortDate, formatTime } from "../lib/format";
import { highlightSegments } from "../lib/highlight";
import { fileLink, messageLink } from "../lib/message-link";
import { type SearchResults, searchQuery } from "../lib/queries";
import { SearchIcon } from "../shell/search-box";
import { PageSkeleton } from "../shell/skeleton";

type MessageHit = SearchResults["messages"][number];
type FileHit = SearchResults["files"][number];
interface Snippet {
  text: string;
  highlights: (readonly [number, number] | number[])[];
}

/** A snippet with its matches marked: text nodes and <mark>, never HTML. */
export function Highlighted({ snippet }: { snippet: Snippet }) {
  const ranges = snippet.highlights.map((r) => [Number(r[0]), Number(r[1])] as const);
  return (
    <>
      {highlightSegments(snippet.text, ranges).map((segment, i) =>
        segment.marked ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of one fixed text, never reordered
          <mark key={i}>{segment.text}</mark>
        ) : (
          segment.text
        ),
      )}
    </>
  );
}

function MessageResult({ hit }: { hit: MessageHit }) {
  const { room, message, snippet } = hit;
  return (
    <li>
      <Link className="search-hit" to={messageLink(room, message.id)}>
        <span className="search-hit-meta">
          <strong className="truncate">#{room}</strong>
          <span className="truncate">{message.displayName}</span>
          {message.threadRootId !== null && <span className="hint">in a thread</span>}
          <time className="hint" dateTime={message.createdAt} title={formatTime(message.createdAt)}>
            {formatShortDate(message.createdAt)}
          </time>
        </span>
        <span className="search-snippet">
          <Highlighted snippet={snippet} />
        </span>
      </Link>
    </li>
  );
}

function FileResult({ hit }: { hit: FileHit }) {
  return (
    <li>
      <Link className="search-hit" to={fileLink(hit.fileId)}>
        <span className="search-hit-meta">
          <strong className="truncate">{hit.name}</strong>
          <span className="hint">{describeType(hit.contentType, hit.name)}</span>
        </span>
        {hit.snippet && hit.snippet.text.length > 0 && (
          <span className="search-snippet">
            <Highlighted snippet={hit.snippet} />
          </span>
        )}
      </Link>
    </li>
  );
}

function Section({
  id,
  title,
  count,
  children,
}: {
  id: string;
  title: string;
  count: number;
  children: React.ReactNode;
}) {
  return (
    <section className="search-section" aria-labelledby={id}>
      <h2 id={id}>
        {title} <span className="hint">({count})</span>
      </h2>
      {children}
    </section>
  );
}

export function SearchPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const q = (params.get("q") ?? "").trim();
  const results = useQuery(searchQuery(q));
  const input = useRef<HTMLInputElement>(null);

  // Arrived without a query ("/" on a phone, the nav): the box takes the focus.
  useEffect(() => {
    if (!q) input.current?.focus();
  }, [q]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = String(new FormData(event.currentTarget).get("q") ?? "").trim();
    if (next) navigate(`/search?q=${encodeURIComponent(next)}`);
  };

  const data = results.data;
  return (
    <div className="search-page">
      <h1>Search</h1>
      <search>
        <form className="row search-form" onSubmit={submit}>
          <label className="grow">
            <span className="sr-only">Search messages and files</span>
            <input
              ref={input}
              key={q}
              type="search"
              name="q"
              defaultValue={q}
              maxLength={200}
              placeholder="Words to find"
              autoComplete="off"
            />
          </label>
          <button type="submit">
            <SearchIcon /> Search
          </button>
        </form>
      </search>
      {!q && <p className="hint">Search the messages of public rooms and of your private rooms, and your own files.</p>}
      {q && results.isPending && <PageSkeleton lines={4} />}
      {results.isError && (
        <div className="card" role="alert">
          <ErrorAlert text={`The search failed. ${errorMessage(results.error)}`} />
          <button type="button" onClick={() => void results.refetch()}>
            Try again
          </button>
        </div>
      )}
      {data && (
        <div aria-live="polite">
          {data.messages.length === 0 && data.files.length === 0 ? (
            <p className="empty" data-testid="search-empty">
              <strong>Nothing found for “{q}”</strong>
              Try other words, or fewer of them.
            </p>
          ) : (
            <>
              <Section id="search-messages" title="Messages" count={data.messages.length}>
                {data.messages.length === 0 ? (
                  <p className="hint">No messages match.</p>
                ) : (
                  <ul className="list search-results" data-testid="message-results">
                    {data.messages.map((hit) => (
                      <MessageResult key={`${hit.room}/${hit.message.id}`} hit={hit} />
                    ))}
                  </ul>
                )}
              </Section>
              <Section id="search-files" title="Files" count={data.files.length}>
                {data.files.length === 0 ? (
                  <p className="hint">None of your files match.</p>
                ) : (
                  <ul className="list search-results" data-testid="file-results">
                    {data.files.map((hit) => (
                      <FileResult key={hit.fileId} hit={hit} />
                    ))}
                  </ul>
                )}
              </Section>
            </>
          )}
        </div>
      )}
    </div>
  );
}

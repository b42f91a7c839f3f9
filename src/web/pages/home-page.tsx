// Home. Signed out: what Outpost is, and the way in. Signed in: your rooms (unread first), your latest files and
// conversations, each a click from where you left off.
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api, errorMessage, ok } from "../api";
import { ErrorAlert } from "../components/error-alert";
import { formatShortDate, formatTime } from "../lib/format";
import { roomsQuery } from "../lib/queries";
import { useSession } from "../lib/session";
import { RoomCounts, roomCounts } from "../shell/room-counts";
import { PageSkeleton } from "../shell/skeleton";

function Landing() {
  return (
    <div className="landing">
      <h1>Your team's workspace, at the edge</h1>
      <p className="lede">
        Outpost keeps a team's conversations, files and questions in one place. Rooms are live and never lose a message,
        even when your connection drops. Files are stored, analysed and shared with links that expire. The assistant
        answers from what your team has written and uploaded, and cites where it found it.
      </p>
      <div className="cta">
        <Link className="primary" to="/register">
          Create an account
        </Link>
        <Link to="/signin">Sign in</Link>
      </div>
      <div className="grid">
        <section className="card">
          <h2>Rooms</h2>
          <p>Public and private rooms with presence, typing, link previews and full history.</p>
        </section>
        <section className="card">
          <h2>Files</h2>
          <p>Upload large files with resumable progress, preview them, and share signed links.</p>
        </section>
        <section className="card">
          <h2>Assistant</h2>
          <p>Ask a question; the answer streams in with its sources from your rooms and files.</p>
        </section>
      </div>
    </div>
  );
}

function RoomsCard() {
  const rooms = useQuery(roomsQuery);
  // Mentions first, then unread, then the rest as the server lists them (most recently active first).
  const list = [...(rooms.data ?? [])]
    .map((room) => ({ room, ...roomCounts(room) }))
    .sort((a, b) => b.mentions - a.mentions || b.unread - a.unread)
    .slice(0, 8);
  return (
    <section className="card" aria-labelledby="home-rooms">
      <h2 id="home-rooms">Your rooms</h2>
      {rooms.isPending && <PageSkeleton lines={3} />}
      <ErrorAlert text={rooms.error ? errorMessage(rooms.error) : null} />
      {rooms.data && list.length === 0 && (
        <p className="empty">
          <strong>No rooms yet</strong>
          <Link to="/rooms">Create the first room</Link> and invite your team.
        </p>
      )}
      <ul className="list">
        {list.map(({ room, unread, mentions }) => (
          <li key={room.name} className="row spread">
            <Link to={`/rooms/${room.name}`} className="truncate">
              #{room.name}
            </Link>
            <span className="hint room-counts">
              {unread > 0 || mentions > 0 ? (
                <RoomCounts room={room} />
              ) : room.lastMessageAt ? (
                <>
                  active{" "}
                  <time dateTime={room.lastMessageAt} title={formatTime(room.lastMessageAt)}>
                    {formatShortDate(room.lastMessageAt)}
                  </time>
                </>
              ) : (
                "no messages yet"
              )}
            </span>
          </li>
        ))}
      </ul>
      <p>
        <Link to="/rooms">All rooms</Link>
      </p>
    </section>
  );
}

function FilesCard() {
  const files = useQuery({
    queryKey: ["files", "recent"],
    queryFn: async () => (await ok(api.GET("/api/files", { params: { query: { limit: 5 } } }))).files,
  });
  return (
    <section className="card" aria-labelledby="home-files">
      <h2 id="home-files">Latest files</h2>
      {files.isPending && <PageSkeleton lines={2} />}
      <ErrorAlert text={files.error ? errorMessage(files.error) : null} />
      {files.data?.length === 0 && (
        <p className="empty">
          <strong>No files yet</strong>
          <Link to="/files">Upload a file</Link> to keep it with your team's work.
        </p>
      )}
      <ul className="list">
        {files.data?.map((file) => (
          <li key={file.id} className="row spread">
            <Link to={`/files?file=${file.id}`} className="truncate">
              {file.name}
            </Link>
            <time className="hint" dateTime={file.createdAt} title={formatTime(file.createdAt)}>
              {formatShortDate(file.createdAt)}
            </time>
          </li>
        ))}
      </ul>
      <p>
        <Link to="/files">All files</Link>
      </p>
    </section>
  );
}

function ConversationsCard() {
  const conversations = useQuery({
    queryKey: ["assistant", "conversations"],
    queryFn: async () => (await ok(api.GET("/api/assistant/conversations"))).conversations,
  });
  const list = conversations.data?.slice(0, 5);
  return (
    <section className="card" aria-labelledby="home-assistant">
      <h2 id="home-assistant">Assistant</h2>
      {conversations.isPending && <PageSkeleton lines={2} />}
      <ErrorAlert text={conversations.error ? errorMessage(conversations.error) : null} />
      {list?.length === 0 && (
        <p className="empty">
          <strong>No questions yet</strong>
          <Link to="/assistant">Ask the assistant</Link> about anything your team has written or uploaded.
        </p>
      )}
      <ul className="list">
        {list?.map((c) => (
          <li key={c.id}>
            <Link to={`/assistant?conversation=${c.id}`} className="truncate">
              {c.title}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function HomePage() {
  const { user, loading } = useSession();
  if (loading) return <PageSkeleton />;
  if (!user) return <Landing />;
  return (
    <>
      <h1>Welcome back, {user.displayName}</h1>
      <div className="grid">
        <RoomsCard />
        <FilesCard />
        <ConversationsCard />
      </div>
    </>
  );
}

import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <section className="empty">
      <h1>Nothing here</h1>
      <p>
        This address does not lead to a page. <Link to="/">Go home</Link> or press Ctrl K to find a room.
      </p>
    </section>
  );
}

// What a page shows instead of a blank app when it throws while rendering or its code cannot be loaded.
import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { errorMessage } from "../api";

export function RouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <section className="page">
        <h1>Nothing here</h1>
        <p>
          This address does not lead to a page. <Link to="/">Go home</Link>.
        </p>
      </section>
    );
  }
  // A deploy replaced the page's chunk, or the network dropped while loading it.
  const chunk =
    error instanceof TypeError && /dynamically imported module|Importing a module script/i.test(error.message);
  return (
    <section className="page" role="alert">
      <div className="boundary">
        <h1>{chunk ? "This page could not be loaded" : "This page stopped working"}</h1>
        <p>
          {chunk
            ? "Outpost may have been updated, or the connection dropped. Reload to get the latest version."
            : "Something on this page failed. Your data is safe; reloading usually helps."}
        </p>
        {!chunk && <p className="hint">{errorMessage(error)}</p>}
        <div className="row wrap">
          <button type="button" onClick={() => location.reload()}>
            Reload
          </button>
          <Link to="/">Go home</Link>
        </div>
      </div>
    </section>
  );
}

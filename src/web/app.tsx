// The app shell: header, navigation and the current page.
import { HomePage } from "./pages/home-page";

export function App() {
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="/">
          Outpost
        </a>
        <nav aria-label="Main">
          <a href="/">Home</a>
          <a href="/api/docs">API reference</a>
        </nav>
      </header>
      <main>
        <HomePage />
      </main>
    </div>
  );
}

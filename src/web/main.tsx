// UI entry: mounts the React app.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
// The style sheets by area, in cascade order: later sheets win ties of equal specificity, so keep this order.
// Page sheets are small and shared by the shell's skeletons and empty states, so they load up front.
import "./styles/base.css";
import "./styles/controls.css";
import "./styles/shell.css";
import "./styles/rooms.css";
import "./styles/files.css";
import "./styles/assistant.css";
import "./styles/admin.css";
import "./styles/search.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Every page and its URL. Each page is its own chunk (`lazy`), so the first page loads only its own code.
// Signed-in pages sit under <RequireUser>, which sends visitors to /signin?next=… and back again afterwards.
import type { ComponentType } from "react";
import { createBrowserRouter, type RouteObject } from "react-router";
import { setNavigator } from "./lib/router";
import { Layout } from "./shell/layout";
import { RequireAdmin, RequireUser } from "./shell/require-user";
import { RouteError } from "./shell/route-error";

export interface RouteHandle {
  /** The page's name, for the tab title and the phone top bar; a function of the URL's params when it varies. */
  title: string | ((params: Record<string, string | undefined>) => string);
}

/** A lazily loaded page: `module[name]` becomes the route's component. */
function page<M>(load: () => Promise<M>, name: keyof M & string): RouteObject["lazy"] {
  return async () => ({ Component: (await load())[name] as ComponentType });
}

const handle = (title: RouteHandle["title"]): RouteHandle => ({ title });

export const routes: RouteObject[] = [
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { index: true, handle: handle("Home"), lazy: page(() => import("./pages/home-page"), "HomePage") },
          {
            path: "signin",
            handle: handle("Sign in"),
            lazy: page(() => import("./pages/sign-in-page"), "SignInPage"),
          },
          {
            path: "register",
            handle: handle("Create your account"),
            lazy: page(() => import("./pages/sign-in-page"), "RegisterPage"),
          },
          {
            element: <RequireUser />,
            children: [
              { path: "rooms", handle: handle("Rooms"), lazy: page(() => import("./pages/rooms-page"), "RoomsPage") },
              {
                path: "rooms/:room",
                handle: handle((params) => `#${params.room ?? ""}`),
                lazy: page(() => import("./pages/room-page"), "RoomRoute"),
              },
              { path: "files", handle: handle("Files"), lazy: page(() => import("./pages/files-page"), "FilesPage") },
              {
                path: "search",
                handle: handle("Search"),
                lazy: page(() => import("./pages/search-page"), "SearchPage"),
              },
              { path: "inbox", handle: handle("Inbox"), lazy: page(() => import("./pages/inbox-page"), "InboxPage") },
              {
                path: "assistant",
                handle: handle("Assistant"),
                lazy: page(() => import("./pages/assistant-page"), "AssistantPage"),
              },
              {
                path: "settings",
                handle: handle("Settings"),
                lazy: page(() => import("./pages/settings-page"), "SettingsPage"),
              },
              {
                element: <RequireAdmin />,
                children: [
                  {
                    path: "admin",
                    handle: handle("Admin"),
                    lazy: page(() => import("./pages/admin-page"), "AdminPage"),
                  },
                ],
              },
            ],
          },
          {
            path: "*",
            handle: handle("Not found"),
            lazy: page(() => import("./pages/not-found-page"), "NotFoundPage"),
          },
        ],
      },
    ],
  },
];

export function createAppRouter() {
  const router = createBrowserRouter(routes);
  setNavigator((to, options) => void router.navigate(to, options));
  return router;
}

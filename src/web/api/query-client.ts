// TanStack Query: server state for every page, cached and refetched when the window regains focus.
import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./problem";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: true,
        // A refusal (4xx) will not change by asking again; a dropped connection or a 5xx may.
        retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      },
      mutations: { retry: false },
    },
  });
}

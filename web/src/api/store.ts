import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "./client";
import { keys } from "./keys";
import { chosenStore } from "./storeChoice";

/** The store this page is in: its name and currency (GET /store). Which store that is,
 * the API decides from the host name (a store's domain) or the X-Store header the app
 * sends when it was opened with `?store=<slug>` (development: api/storeChoice.ts). */
export function useStore() {
  return useQuery({
    queryKey: keys.store(chosenStore()),
    queryFn: () => unwrap(api.GET("/store")),
    staleTime: 5 * 60_000,
  });
}

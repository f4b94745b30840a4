import { useEffect } from "react";

import { useStore } from "../api/store";

/** Each page names itself in the tab and for screen readers, with the store's name. */
export function usePageTitle(title: string): void {
  const store = useStore().data?.name ?? "";
  useEffect(() => {
    document.title = [title, store].filter(Boolean).join(" · ") || "Catalog";
  }, [title, store]);
}

import { useEffect } from "react";

/** Each page names itself in the tab and for screen readers. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Catalog` : "Catalog";
  }, [title]);
}

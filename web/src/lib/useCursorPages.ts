import { useCallback } from "react";
import { useSearchParams } from "./routing";

export interface CursorPages {
  cursor: string | null;
  page: number;
  hasPrevious: boolean;
  next: (cursor: string) => void;
  previous: () => void;
  reset: () => void;
}

const PREFIX = "catalog.pages:";

function trailOf(scope: string): string[] {
  try {
    const stored = JSON.parse(sessionStorage.getItem(PREFIX + scope) ?? "[]") as unknown;
    return Array.isArray(stored) ? stored.filter((c): c is string => typeof c === "string") : [];
  } catch {
    return [];
  }
}

/** Pages of a list whose API only goes forward (cursors). The page number is in the URL
 * (`?page=3`), so back from a product lands on the page it was reached from and a reload
 * stays there; the cursors that lead to each page are kept for the tab (sessionStorage),
 * per list and filter (`scope`). A page number with no cursor known (a link from elsewhere)
 * shows the first page. */
export function useCursorPages(scope: string): CursorPages {
  const [params, setParams] = useSearchParams();
  const asked = Math.max(1, Math.floor(Number(params.get("page"))) || 1);
  const trail = trailOf(scope);
  const known = asked === 1 || trail[asked - 2] !== undefined;
  const page = known ? asked : 1;
  const cursor = page > 1 ? (trail[page - 2] ?? null) : null;

  const go = useCallback(
    (to: number, replace = false) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (to > 1) next.set("page", String(to));
          else next.delete("page");
          return next;
        },
        { replace },
      ),
    [setParams],
  );
  const next = useCallback(
    (nextCursor: string) => {
      const kept = trailOf(scope).slice(0, page - 1);
      kept[page - 1] = nextCursor;
      sessionStorage.setItem(PREFIX + scope, JSON.stringify(kept));
      go(page + 1);
    },
    [scope, page, go],
  );
  const previous = useCallback(() => go(page - 1), [page, go]);
  const reset = useCallback(() => go(1, true), [go]);
  return { cursor, page, hasPrevious: page > 1, next, previous, reset };
}

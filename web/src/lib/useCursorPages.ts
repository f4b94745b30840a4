import { useCallback, useState } from "react";

export interface CursorPages {
  cursor: string | null;
  hasPrevious: boolean;
  next: (cursor: string) => void;
  previous: () => void;
  reset: () => void;
}

/** The cursor of the page shown, and the ones before it (cursors only lead forward). */
export function useCursorPages(): CursorPages {
  const [trail, setTrail] = useState<(string | null)[]>([null]);
  const cursor = trail[trail.length - 1] ?? null;
  const next = useCallback((nextCursor: string) => setTrail((t) => [...t, nextCursor]), []);
  const previous = useCallback(() => setTrail((t) => (t.length > 1 ? t.slice(0, -1) : t)), []);
  const reset = useCallback(() => setTrail([null]), []);
  return { cursor, hasPrevious: trail.length > 1, next, previous, reset };
}

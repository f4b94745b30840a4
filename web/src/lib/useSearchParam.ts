import { useCallback } from "react";
import { useSearchParams } from "./routing";

/** A list's filter kept in the URL (`?email=ann`), so back, reload and a shared link keep
 * it; setting it starts the list at its first page. */
export function useSearchParam(name: string): [string, (value: string) => void] {
  const [params, setParams] = useSearchParams();
  const set = useCallback(
    (value: string) =>
      setParams((current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        next.delete("page");
        return next;
      }),
    [name, setParams],
  );
  return [params.get(name) ?? "", set];
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, unwrapWithEtag } from "../../api/client";
import { keys } from "../../api/keys";

/** Products at or below a stock level, lowest first, a page at a time. */
export function useLowStock(threshold: number, cursor: string | null) {
  return useQuery({
    queryKey: keys.inventory.lowStock(threshold, cursor),
    queryFn: () =>
      unwrap(
        api.GET("/inventory/low-stock", {
          params: { query: { threshold, limit: 25, cursor: cursor ?? undefined } },
        }),
      ),
  });
}

/** A product's stock level and its ETag (a count is made against the level it saw). */
export function useStockLevel(productId: string) {
  return useQuery({
    queryKey: keys.inventory.level(productId),
    queryFn: () =>
      unwrapWithEtag(
        api.GET("/inventory/{product_id}", { params: { path: { product_id: productId } } }),
      ),
  });
}

/** The product's stock ledger, newest first, a page at a time. */
export function useMovements(productId: string, cursor: string | null) {
  return useQuery({
    queryKey: keys.inventory.movements(productId, cursor),
    queryFn: () =>
      unwrap(
        api.GET("/inventory/{product_id}/movements", {
          params: { path: { product_id: productId }, query: { limit: 20, cursor: cursor ?? undefined } },
        }),
      ),
  });
}

/** The level, the ledger and the product's live stock, read again (after a change). */
export function useReloadStock(productId: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: keys.inventory.product(productId) });
    void queryClient.invalidateQueries({ queryKey: keys.products.live(productId) });
  };
}

/** Set the level after a count, if it is still the level seen (`etag`: If-Match). */
export function useSetLevel(productId: string) {
  const changed = useReloadStock(productId);
  return useMutation({
    mutationFn: ({ stock, reason, etag }: { stock: number; reason: string; etag: string }) =>
      unwrap(
        api.PUT("/inventory/{product_id}", {
          params: { path: { product_id: productId } },
          headers: { "If-Match": etag },
          body: { stock, reason },
        }),
      ),
    onSuccess: changed,
  });
}

/** Add to or take from the stock (a delivery, breakage). */
export function useAdjustStock(productId: string) {
  const changed = useReloadStock(productId);
  return useMutation({
    mutationFn: (body: { delta: number; reason: string }) =>
      unwrap(
        api.POST("/inventory/{product_id}/adjustments", {
          params: { path: { product_id: productId } },
          body,
        }),
      ),
    onSuccess: changed,
  });
}

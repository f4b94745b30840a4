import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { api, unwrap, unwrapWithEtag } from "../../api/client";
import { keys } from "../../api/keys";
import { EVERY_PRODUCT, live } from "../../api/live";

/** Staff pages follow stock as it moves: a pushed change of `productId` (or of any
 * product: EVERY_PRODUCT) reads the inventory again, at most once a second. */
export function useLiveInventory(productId: string = EVERY_PRODUCT) {
  const queryClient = useQueryClient();
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const queryKey =
      productId === EVERY_PRODUCT ? keys.inventory.all : keys.inventory.product(productId);
    const stop = live.subscribe(productId, () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        void queryClient.invalidateQueries({ queryKey });
      }, 1_000);
    });
    return () => {
      clearTimeout(pending);
      stop();
    };
  }, [productId, queryClient]);
}

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

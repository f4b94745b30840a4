import { useQueries, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";

/**
 * Reading products, for every page that shows them: the catalog, the cart (live stock of
 * its lines) and the admins' product list.
 */
import { api, unwrap, type Product } from "./client";
import { keys } from "./keys";
import { live, type LiveEvent, type LiveStatus } from "./live";
import { ApiProblem, toProblem } from "./problem";

/** Live stock is pushed (api/live.ts); while it cannot be, the product page and the cart
 * look again (the API answers 304, with no body, while nothing changed): every 3 s on a
 * deployment that pushes nothing, every 10 s while the push is down for a moment. */
export const POLL_INTERVAL_MS = 3_000;
export const FALLBACK_INTERVAL_MS = 10_000;

export function pollInterval(status: LiveStatus): number | false {
  if (status === "up") return false;
  return status === "off" ? POLL_INTERVAL_MS : FALLBACK_INTERVAL_MS;
}

/** Whether stock is being pushed to this page right now. */
export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (onChange) => live.onStatus(onChange),
    () => live.status,
  );
}

/** A pushed level, written into the product's query (no request); a product that is gone
 * is read again (and answers 404). */
export function applyLiveEvent(queryClient: QueryClient, event: LiveEvent) {
  const key = keys.products.live(event.product_id);
  if (event.deleted || event.stock === undefined) {
    void queryClient.invalidateQueries({ queryKey: key });
    return;
  }
  queryClient.setQueryData<Product>(key, (old) => (old ? withLevel(old, event) : old));
}

/** The product with a pushed level: its own, or one of its variants' (its total follows). */
export function withLevel(product: Product, event: LiveEvent): Product {
  const stock = event.stock ?? 0;
  if (!event.variant_id) return { ...product, stock, in_stock: event.in_stock ?? stock > 0 };
  const variants = product.variants.map((v) =>
    v.id === event.variant_id ? { ...v, stock, in_stock: stock > 0 } : v,
  );
  const total = variants.reduce((sum, v) => sum + v.stock, 0);
  return { ...product, variants, stock: total, in_stock: total > 0 };
}

/** Subscribes the products' channels while shown; after a reconnection, reads them again
 * (what changed while the socket was down was not pushed). */
function usePushedStock(productIds: string[]) {
  const queryClient = useQueryClient();
  const ids = productIds.join(",");
  useEffect(() => {
    const wanted = ids ? ids.split(",") : [];
    const unsubscribe = wanted.map((id) =>
      live.subscribe(id, (event) => applyLiveEvent(queryClient, event)),
    );
    let wasUp = live.status === "up";
    const stopWatching = live.onStatus(() => {
      const up = live.status === "up";
      if (up && !wasUp) {
        wanted.forEach((id) =>
          void queryClient.invalidateQueries({ queryKey: keys.products.live(id) }),
        );
      }
      wasUp = up;
    });
    return () => {
      stopWatching();
      unsubscribe.forEach((stop) => stop());
    };
  }, [ids, queryClient]);
}

const etags = new Map<string, string>();

async function fetchProduct(
  queryClient: QueryClient,
  productId: string,
  signal: AbortSignal,
): Promise<Product> {
  const previous = queryClient.getQueryData<Product>(keys.products.live(productId));
  const etag = etags.get(productId);
  const { data, error, response } = await api.GET("/products/{product_id}", {
    params: { path: { product_id: productId } },
    headers: previous && etag ? { "If-None-Match": etag } : {},
    cache: "no-store", // the conditional request is made here, not by the browser's cache
    signal,
  });
  if (response.status === 304 && previous) return previous;
  if (!response.ok || !data) throw new ApiProblem(toProblem(error, response.status));
  etags.set(productId, response.headers.get("ETag") ?? "");
  return data;
}

function productQuery(queryClient: QueryClient, productId: string, status: LiveStatus) {
  return {
    queryKey: keys.products.live(productId),
    queryFn: ({ signal }: { signal: AbortSignal }) => fetchProduct(queryClient, productId, signal),
    refetchInterval: pollInterval(status),
    staleTime: 0,
  };
}

/** A product with its stock as it is now: pushed while shown, or re-read every few
 * seconds while it cannot be. */
export function useLiveProduct(productId: string) {
  const queryClient = useQueryClient();
  usePushedStock([productId]);
  return useQuery(productQuery(queryClient, productId, useLiveStatus()));
}

export function useLiveProducts(productIds: string[]) {
  const queryClient = useQueryClient();
  const status = useLiveStatus();
  usePushedStock(productIds);
  return useQueries({ queries: productIds.map((id) => productQuery(queryClient, id, status)) });
}

/** A page of the catalog. Shoppers take it from a cache (it may be a few seconds old);
 * admins ask for the latest (`fresh`), so a product they just created or deleted shows. */
export type ProductStatus = "draft" | "active" | "archived";

export function useProductPage(
  params: { q?: string; category?: string; status?: ProductStatus; cursor: string | null },
  { fresh = false }: { fresh?: boolean } = {},
) {
  return useQuery({
    queryKey: keys.products.page(params, fresh),
    queryFn: () =>
      unwrap(
        api.GET("/products", {
          params: {
            query: {
              limit: 12,
              q: params.q || undefined,
              category: params.category || undefined,
              status: params.status,
              cursor: params.cursor ?? undefined,
            },
          },
          cache: fresh ? "no-cache" : "default",
        }),
      ),
    placeholderData: (previous) => previous,
  });
}

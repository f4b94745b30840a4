import { useQueries, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";

/**
 * Reading products, for every page that shows them: the catalog, the cart (live stock of
 * its lines) and the admins' product list.
 */
import { api, unwrap, type Product } from "./client";
import { keys } from "./keys";
import { ApiProblem, toProblem } from "./problem";

/** Live stock: how often the product page and the cart look again (the API answers 304,
 * with no body, while nothing changed). */
export const LIVE_INTERVAL_MS = 3_000;

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

function productQuery(queryClient: QueryClient, productId: string, live: boolean) {
  return {
    queryKey: keys.products.live(productId),
    queryFn: ({ signal }: { signal: AbortSignal }) => fetchProduct(queryClient, productId, signal),
    refetchInterval: live ? LIVE_INTERVAL_MS : (false as const),
    staleTime: live ? 0 : 10_000,
  };
}

/** A product with its stock as it is now (re-read every few seconds while shown). */
export function useLiveProduct(productId: string) {
  const queryClient = useQueryClient();
  return useQuery(productQuery(queryClient, productId, true));
}

export function useLiveProducts(productIds: string[]) {
  const queryClient = useQueryClient();
  return useQueries({ queries: productIds.map((id) => productQuery(queryClient, id, true)) });
}

/** A page of the catalog. Shoppers take it from a cache (it may be a few seconds old);
 * admins ask for the latest (`fresh`), so a product they just created or deleted shows. */
export function useProductPage(
  params: { q?: string; category?: string; cursor: string | null },
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
              cursor: params.cursor ?? undefined,
            },
          },
          cache: fresh ? "no-cache" : "default",
        }),
      ),
    placeholderData: (previous) => previous,
  });
}

import { useMutation, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { keys } from "../../api/keys";

/** The categories with their product counts, by name. */
export function useCategories() {
  return useQuery({
    queryKey: keys.categories,
    queryFn: () => unwrap(api.GET("/categories")),
    staleTime: 60_000,
  });
}

/** "Tell me when it's back": one e-mail when the sold-out product is in stock again. */
export function useAskBackInStock(productId: string) {
  return useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/products/{product_id}/back-in-stock", {
          params: { path: { product_id: productId } },
        }),
      ),
  });
}

/** Take the request back (right after asking: "Don't tell me"). */
export function useWithdrawBackInStock(productId: string) {
  return useMutation({
    mutationFn: () =>
      unwrap(
        api.DELETE("/products/{product_id}/back-in-stock", {
          params: { path: { product_id: productId } },
        }),
      ),
  });
}

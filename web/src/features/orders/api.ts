import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { keys } from "../../api/keys";

/** The shopper's own orders, newest first, a page at a time. */
export function useMyOrders(cursor: string | null) {
  return useQuery({
    queryKey: keys.orders.mine(cursor),
    queryFn: () =>
      unwrap(api.GET("/orders", { params: { query: { limit: 20, cursor: cursor ?? undefined } } })),
  });
}

export function useOrder(orderId: string) {
  return useQuery({
    queryKey: keys.orders.one(orderId),
    queryFn: () => unwrap(api.GET("/orders/{order_id}", { params: { path: { order_id: orderId } } })),
  });
}

/** Cancel: the order's stock goes back, so its products' live stock is read again. */
export function useCancelOrder(orderId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.POST("/orders/{order_id}/cancel", { params: { path: { order_id: orderId } } })),
    onSuccess: (cancelled) => {
      queryClient.setQueryData(keys.orders.one(orderId), cancelled);
      void queryClient.invalidateQueries({ queryKey: keys.orders.all });
      for (const line of cancelled.lines) {
        void queryClient.invalidateQueries({ queryKey: keys.products.live(line.product_id) });
      }
    },
  });
}

import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { keys } from "../../api/keys";
import { type Cart, orderRequest } from "./cart";

/** Place the cart as one order. Every try of the same cart sends the same
 * Idempotency-Key: a retry, a double click or a second tab never buys twice. */
export function usePlaceOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (cart: Cart) =>
      unwrap(
        api.POST("/orders", {
          body: orderRequest(cart),
          headers: { "Idempotency-Key": cart.checkoutKey },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.orders.all }),
  });
}

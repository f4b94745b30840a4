import { useCallback, useMemo, useSyncExternalStore } from "react";

import * as cart from "./cart";
import { storedValue } from "../../lib/storedValue";

const stored = storedValue("catalog.cart.v1");
const newKey = (): string => crypto.randomUUID();

/** The cart of this browser, shared by its tabs. */
export function useCart() {
  const value = useSyncExternalStore(stored.subscribe, stored.read, () => null);
  const current = useMemo(() => cart.parseCart(value, newKey), [value]);
  const update = useCallback((change: (c: cart.Cart) => cart.Cart) => {
    stored.write(JSON.stringify(change(cart.parseCart(stored.read(), newKey))));
  }, []);
  return {
    cart: current,
    count: cart.itemCount(current),
    add: (line: Omit<cart.CartLine, "quantity">, quantity = 1) =>
      update((c) => cart.addToCart(c, line, quantity, newKey)),
    /** `key`: the line's `lineKey`. */
    setQuantity: (key: string, quantity: number) => update((c) => cart.setQuantity(c, key, quantity, newKey)),
    remove: (key: string) => update((c) => cart.removeFromCart(c, key, newKey)),
    clear: () => stored.write(JSON.stringify(cart.emptyCart(newKey))),
  };
}

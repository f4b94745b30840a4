import { describe, expect, it } from "vitest";

import {
  addToCart,
  emptyCart,
  itemCount,
  lineKey,
  lineTotal,
  MAX_LINES,
  MAX_QUANTITY,
  orderRequest,
  parseCart,
  removeFromCart,
  setQuantity,
  totals,
} from "./cart";

let counter = 0;
const newKey = () => `key-${++counter}`;
const anvil = { productId: "a", name: "Anvil", unitPrice: "100.00", currency: "EUR" };
const bolt = { productId: "b", name: "Bolt", unitPrice: "0.10", currency: "EUR" };

describe("cart", () => {
  it("adds, merges lines of one product and counts items", () => {
    let cart = addToCart(emptyCart(newKey), anvil, 1, newKey);
    cart = addToCart(cart, bolt, 3, newKey);
    cart = addToCart(cart, anvil, 2, newKey);
    expect(cart.lines.map((l) => [l.productId, l.quantity])).toEqual([
      ["a", 3],
      ["b", 3],
    ]);
    expect(itemCount(cart)).toBe(6);
  });

  it("adds money in cents, never in floating point", () => {
    let cart = addToCart(emptyCart(newKey), bolt, 3, newKey);
    expect(lineTotal(cart.lines[0]!)).toBe("0.30"); // 0.1 * 3 is 0.30000000000000004 in floats
    cart = addToCart(cart, anvil, 1, newKey);
    expect(totals(cart)).toEqual({ EUR: "100.30" });
    const usd = addToCart(cart, { ...bolt, productId: "c", currency: "USD", unitPrice: "19.99" }, 2, newKey);
    expect(totals(usd)).toEqual({ EUR: "100.30", USD: "39.98" });
  });

  it("keeps quantities within what an order takes, and drops lines set to zero", () => {
    let cart = addToCart(emptyCart(newKey), anvil, 5000, newKey);
    expect(cart.lines[0]!.quantity).toBe(MAX_QUANTITY);
    cart = setQuantity(cart, "a", 2.7, newKey);
    expect(cart.lines[0]!.quantity).toBe(2);
    cart = setQuantity(cart, "a", 0, newKey);
    expect(cart.lines).toEqual([]);
  });

  it("takes at most as many lines as an order", () => {
    let cart = emptyCart(newKey);
    for (let i = 0; i < MAX_LINES + 3; i++) cart = addToCart(cart, { ...bolt, productId: `p${i}` }, 1, newKey);
    expect(cart.lines).toHaveLength(MAX_LINES);
  });

  it("gives each new cart content a new checkout key, and keeps it until the content changes", () => {
    const first = addToCart(emptyCart(newKey), anvil, 1, newKey);
    const same = JSON.parse(JSON.stringify(first)) as typeof first;
    expect(parseCart(JSON.stringify(same), newKey).checkoutKey).toBe(first.checkoutKey);
    const changed = setQuantity(first, "a", 2, newKey);
    expect(changed.checkoutKey).not.toBe(first.checkoutKey);
    expect(removeFromCart(changed, "a", newKey).checkoutKey).not.toBe(changed.checkoutKey);
  });

  it("builds the order request", () => {
    const cart = addToCart(addToCart(emptyCart(newKey), anvil, 2, newKey), bolt, 1, newKey);
    expect(orderRequest(cart)).toEqual({
      items: [
        { product_id: "a", quantity: 2 },
        { product_id: "b", quantity: 1 },
      ],
    });
  });

  it("reads back only what is a cart", () => {
    expect(parseCart("not json", newKey).lines).toEqual([]);
    expect(parseCart(JSON.stringify({ lines: "x", checkoutKey: "k" }), newKey).lines).toEqual([]);
    const stored = { lines: [{ ...anvil, quantity: 2 }, { ...bolt, quantity: -1 }, { productId: 3 }], checkoutKey: "k" };
    const cart = parseCart(JSON.stringify(stored), newKey);
    expect(cart.lines).toEqual([{ ...anvil, quantity: 2 }]);
    expect(cart.checkoutKey).toBe("k");
  });

  it("keeps each variant of a product on a line of its own, and orders it by its id", () => {
    const blueM = { ...anvil, productId: "t", variantId: "m-blue", name: "T-shirt (M / Blue)" };
    const redS = { ...anvil, productId: "t", variantId: "s-red", name: "T-shirt (S / Red)" };
    let cart = addToCart(emptyCart(newKey), blueM, 1, newKey);
    cart = addToCart(cart, redS, 2, newKey);
    cart = addToCart(cart, blueM, 1, newKey);
    expect(cart.lines.map((l) => [lineKey(l), l.quantity])).toEqual([
      ["t/m-blue", 2],
      ["t/s-red", 2],
    ]);
    cart = setQuantity(cart, "t/s-red", 5, newKey);
    cart = removeFromCart(cart, "t/m-blue", newKey);
    expect(orderRequest(cart)).toEqual({ items: [{ product_id: "t", variant_id: "s-red", quantity: 5 }] });
    expect(parseCart(JSON.stringify(cart), newKey).lines).toEqual(cart.lines);
  });
});

/**
 * The shopping cart: kept in the browser (localStorage), shared by the tabs of one browser.
 * The functions here are pure (cart.test.ts); `useCart` in useCart.ts binds them to storage.
 *
 * A cart carries the Idempotency-Key of its checkout. The key is made when the cart's
 * content changes and kept until an order is placed, so a double click, a retry after a
 * lost answer or a reload all send the same key, and the API places one order only.
 */

export interface CartLine {
  productId: string;
  /** The variant chosen, for a product with options ("M / Blue"). */
  variantId?: string;
  name: string;
  unitPrice: string; // decimal string, as the API sends money
  currency: string;
  quantity: number;
}

export interface Cart {
  lines: CartLine[];
  checkoutKey: string;
}

export const MAX_QUANTITY = 1000;
export const MAX_LINES = 25;

export function emptyCart(newKey: () => string): Cart {
  return { lines: [], checkoutKey: newKey() };
}

/** What tells two lines apart: the product, and the variant of one with options. */
export function lineKey(line: Pick<CartLine, "productId" | "variantId">): string {
  return line.variantId ? `${line.productId}/${line.variantId}` : line.productId;
}

function clampQuantity(quantity: number): number {
  return Math.min(MAX_QUANTITY, Math.max(0, Math.floor(quantity)));
}

/** A cart with other lines is another checkout: it gets a new key. */
function withLines(lines: CartLine[], newKey: () => string): Cart {
  return { lines, checkoutKey: newKey() };
}

export function addToCart(
  cart: Cart,
  line: Omit<CartLine, "quantity">,
  quantity: number,
  newKey: () => string,
): Cart {
  const key = lineKey(line);
  const existing = cart.lines.find((l) => lineKey(l) === key);
  if (!existing && cart.lines.length >= MAX_LINES) return cart;
  const lines = existing
    ? cart.lines.map((l) => (lineKey(l) === key ? { ...l, quantity: clampQuantity(l.quantity + quantity) } : l))
    : [...cart.lines, { ...line, quantity: clampQuantity(quantity) }];
  return withLines(lines.filter((l) => l.quantity > 0), newKey);
}

/** `key`: the line's `lineKey` (a product's id, or product/variant). */
export function setQuantity(cart: Cart, key: string, quantity: number, newKey: () => string): Cart {
  const lines = cart.lines
    .map((l) => (lineKey(l) === key ? { ...l, quantity: clampQuantity(quantity) } : l))
    .filter((l) => l.quantity > 0);
  return withLines(lines, newKey);
}

export function removeFromCart(cart: Cart, key: string, newKey: () => string): Cart {
  return withLines(cart.lines.filter((l) => lineKey(l) !== key), newKey);
}

export function itemCount(cart: Cart): number {
  return cart.lines.reduce((count, line) => count + line.quantity, 0);
}

/** Cents, in integers: money is never added as floating point. */
function cents(amount: string): bigint {
  const [whole = "0", fraction = ""] = amount.trim().split(".");
  const sign = whole.startsWith("-") ? -1n : 1n;
  return sign * (BigInt(whole.replace("-", "") || "0") * 100n + BigInt((fraction + "00").slice(0, 2)));
}

function fromCents(value: bigint): string {
  const sign = value < 0n ? "-" : "";
  const absolute = value < 0n ? -value : value;
  return `${sign}${absolute / 100n}.${(absolute % 100n).toString().padStart(2, "0")}`;
}

export function lineTotal(line: CartLine): string {
  return fromCents(cents(line.unitPrice) * BigInt(line.quantity));
}

/** The total of each currency in the cart (an order takes one currency). */
export function totals(cart: Cart): Record<string, string> {
  const sums: Record<string, bigint> = {};
  for (const line of cart.lines) {
    sums[line.currency] = (sums[line.currency] ?? 0n) + cents(line.unitPrice) * BigInt(line.quantity);
  }
  return Object.fromEntries(Object.entries(sums).map(([currency, sum]) => [currency, fromCents(sum)]));
}

/** What POST /orders takes. */
export function orderRequest(cart: Cart): {
  items: { product_id: string; variant_id?: string; quantity: number }[];
} {
  return {
    items: cart.lines.map((l) => ({
      product_id: l.productId,
      ...(l.variantId ? { variant_id: l.variantId } : {}),
      quantity: l.quantity,
    })),
  };
}

/** A cart read back from storage, or an empty one if what is stored is not a cart. */
export function parseCart(stored: string | null, newKey: () => string): Cart {
  try {
    const value = stored ? (JSON.parse(stored) as Partial<Cart>) : null;
    if (value && Array.isArray(value.lines) && typeof value.checkoutKey === "string") {
      const lines = value.lines.filter(
        (l): l is CartLine =>
          typeof l?.productId === "string" &&
          (l.variantId === undefined || typeof l.variantId === "string") &&
          typeof l.name === "string" &&
          typeof l.unitPrice === "string" &&
          typeof l.currency === "string" &&
          Number.isInteger(l.quantity) &&
          l.quantity > 0,
      );
      return { lines: lines.slice(0, MAX_LINES), checkoutKey: value.checkoutKey };
    }
  } catch {
    // fall through: an unreadable cart is an empty one
  }
  return emptyCart(newKey);
}

import { describe, expect, it } from "vitest";

import type { Product } from "./client";
import { withLevel } from "./products";

const variant = (id: string, stock: number) => ({
  id,
  sku: null,
  options: { Size: id },
  price: "1.00",
  stock,
  in_stock: stock > 0,
});

const shirt = { id: "p", stock: 5, in_stock: true, variants: [variant("S", 2), variant("M", 3)] } as unknown as Product;

describe("withLevel", () => {
  it("sets a product's own level", () => {
    const mug = { id: "m", stock: 4, in_stock: true, variants: [] } as unknown as Product;
    expect(withLevel(mug, { product_id: "m", stock: 0, in_stock: false, at: "" })).toMatchObject({
      stock: 0,
      in_stock: false,
    });
  });

  it("sets one variant's level and the product's total follows", () => {
    const after = withLevel(shirt, { product_id: "p", variant_id: "M", stock: 0, at: "" });
    expect(after.variants.map((v) => [v.id, v.stock, v.in_stock])).toEqual([
      ["S", 2, true],
      ["M", 0, false],
    ]);
    expect([after.stock, after.in_stock]).toEqual([2, true]);
  });
});

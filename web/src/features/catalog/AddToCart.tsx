import { useState } from "react";

import type { Product } from "../../api/client";
import { useCart } from "../cart/useCart";

/** "Add to cart" for a product in stock (described by the product's name for screen readers). */
export function AddToCart({
  product,
  variantId,
  available,
  describedBy,
}: {
  product: Pick<Product, "id" | "name" | "price" | "currency">;
  /** The variant chosen, for a product with options. */
  variantId?: string;
  available: boolean;
  describedBy?: string;
}) {
  const { add } = useCart();
  const [added, setAdded] = useState(false);
  return (
    <span className="add-to-cart">
      <button
        type="button"
        className="button"
        disabled={!available}
        aria-describedby={describedBy}
        onClick={() => {
          add({
            productId: product.id,
            ...(variantId ? { variantId } : {}),
            name: product.name,
            unitPrice: product.price,
            currency: product.currency,
          });
          setAdded(true);
        }}
      >
        Add to cart
      </button>
      <span className="added" role="status">
        {added ? "Added to your cart." : ""}
      </span>
    </span>
  );
}

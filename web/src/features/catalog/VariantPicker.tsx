import { useId } from "react";

import type { Product } from "../../api/client";

export type Variant = Product["variants"][number];

/** The variant whose values are `chosen` (one per option), if the product sells it. */
export function chosenVariant(product: Product, chosen: Record<string, string>): Variant | undefined {
  return product.variants.find((variant) =>
    product.options.every((option) => variant.options[option.name] === chosen[option.name]),
  );
}

/** "M / Blue": a variant's values in the order of the product's options. */
export function variantLabel(product: Product, variant: Variant): string {
  return product.options.map((option) => variant.options[option.name]).join(" / ");
}

/** One choice per option (Size, Colour…); the combinations not sold say so. */
export function VariantPicker({
  product,
  chosen,
  onChoose,
}: {
  product: Product;
  chosen: Record<string, string>;
  onChoose: (chosen: Record<string, string>) => void;
}) {
  const id = useId();
  return (
    <div className="variant-picker">
      {product.options.map((option, n) => (
        <p key={option.name} className="inline-form">
          <label htmlFor={`${id}-${n}`}>{option.name}</label>
          <select
            id={`${id}-${n}`}
            value={chosen[option.name] ?? ""}
            onChange={(event) => onChoose({ ...chosen, [option.name]: event.target.value })}
          >
            {option.values.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </p>
      ))}
    </div>
  );
}

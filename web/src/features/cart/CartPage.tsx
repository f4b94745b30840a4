import { useState } from "react";
import { Link, useNavigate } from "../../lib/routing";

import { ApiProblem, shortageMessages } from "../../api/problem";
import { ProductImage } from "../../components/ProductImage";
import { Empty, ProblemMessage } from "../../components/ui";
import { useSignedIn } from "../auth/api";
import { usePlaceOrder } from "./api";
import { type CartLine, lineKey, lineTotal, MAX_QUANTITY, totals } from "./cart";
import { money, stockWords } from "../../lib/format";
import { useCart } from "./useCart";
import { usePageTitle } from "../../lib/usePageTitle";
import { useLiveProducts } from "../../api/products";

/** What is wrong with a typed quantity, in words; null when it can be ordered. */
export function quantityProblem(text: string, available: number | undefined): string | null {
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value) || value < 1) {
    return "Enter 1 or more, or remove the item.";
  }
  if (value > MAX_QUANTITY) return `At most ${MAX_QUANTITY} at a time.`;
  if (available !== undefined && value > available) {
    return available === 0 ? "Sold out: remove it to order the rest." : `Only ${available} left.`;
  }
  return null;
}

function QuantityInput({
  line,
  available,
  onChange,
  onProblem,
}: {
  line: CartLine;
  available: number | undefined;
  onChange: (quantity: number) => void;
  onProblem: (problem: string | null) => void;
}) {
  const [text, setText] = useState(String(line.quantity));
  const id = `quantity-${lineKey(line).replace("/", "-")}`;
  const problem = quantityProblem(text, available);
  return (
    <div className="quantity">
      <label htmlFor={id}>Quantity</label>
      <input
        id={id}
        aria-label={`Quantity of ${line.name}`}
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_QUANTITY}
        value={text}
        aria-invalid={problem !== null}
        aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={(event) => {
          const typed = event.target.value;
          setText(typed);
          const value = Number(typed);
          if (Number.isInteger(value) && value >= 1 && value <= MAX_QUANTITY) onChange(value);
          onProblem(quantityProblem(typed, available));
        }}
      />
      {problem && (
        <span className="field-error" id={`${id}-problem`}>
          {problem}
        </span>
      )}
    </div>
  );
}

export default function CartPage() {
  usePageTitle("Cart");
  const { cart, setQuantity, remove, clear } = useCart();
  const signedIn = useSignedIn();
  const navigate = useNavigate();
  const live = useLiveProducts(cart.lines.map((line) => line.productId));
  // what a line's input holds while it cannot be ordered (0, empty, over the stock)
  const [typed, setTyped] = useState<Record<string, string | null>>({});

  const place = usePlaceOrder();
  const placeOrder = () =>
    place.mutate(cart, {
      onSuccess: (order) => {
        clear();
        navigate(`/orders/${order.id}`, { state: { placed: true } });
      },
    });

  const problem = place.error instanceof ApiProblem ? place.error.problem : null;
  const names = Object.fromEntries(cart.lines.map((l) => [lineKey(l), l.name]));
  const shortages = shortageMessages(problem, names);
  // a line's live stock: its variant's, for a product with options
  const stockOf = (line: CartLine, index: number): number | undefined => {
    const product = live[index]?.data;
    if (!product) return undefined;
    if (!line.variantId) return product.stock;
    return product.variants.find((v) => v.id === line.variantId)?.stock ?? 0;
  };
  // flagged before anyone presses Place order: the live stock is known for every line
  const short = cart.lines.filter((line, index) => {
    const stock = stockOf(line, index);
    return (stock !== undefined && line.quantity > stock) || Boolean(typed[lineKey(line)]);
  });

  if (cart.lines.length === 0) {
    return (
      <section>
        <h1>Your cart</h1>
        <Empty>
          <p>Your cart is empty.</p>
          <Link to="/" className="button">
            Browse the shop
          </Link>
        </Empty>
      </section>
    );
  }

  return (
    <section>
      <h1>Your cart</h1>
      <ul className="cart-lines" aria-label="Items in your cart">
        {cart.lines.map((line, index) => {
          const product = live[index]?.data;
          const stock = stockOf(line, index);
          const key = lineKey(line);
          const gone = live[index]?.error instanceof ApiProblem && live[index]?.error.status === 404;
          return (
            <li key={key} className="card cart-line">
              <ProductImage name={line.name} url={product?.image_url} size="thumb" />
              <div className="cart-line-body">
                <Link to={`/products/${line.productId}`} className="cart-line-name">
                  {line.name}
                </Link>
                <p className="muted">
                  {money(line.unitPrice, line.currency)} each
                  {product && stock !== undefined && (
                    <>
                      {" · "}
                      <span className={stock >= line.quantity ? "" : "warning"}>{stockWords(stock)}</span>
                    </>
                  )}
                  {gone && <span className="warning"> · No longer sold</span>}
                </p>
                {shortages[key] && (
                  <p className="problem" role="alert">
                    {shortages[key]}
                  </p>
                )}
              </div>
              <QuantityInput
                line={line}
                available={stock}
                onChange={(q) => setQuantity(key, q)}
                onProblem={(p) => setTyped((t) => ({ ...t, [key]: p }))}
              />
              <span className="line-total">{money(lineTotal(line), line.currency)}</span>
              <button
                type="button"
                className="button link"
                aria-label={`Remove ${line.name}`}
                onClick={() => remove(key)}
              >
                Remove
              </button>
            </li>
          );
        })}
      </ul>
      <div className="cart-summary card">
        {Object.entries(totals(cart)).map(([currency, total]) => (
          <p key={currency} className="total">
            Total <strong>{money(total, currency)}</strong>
          </p>
        ))}
        {Object.keys(shortages).length === 0 && <ProblemMessage error={place.error} />}
        {short.length > 0 && (
          <p className="problem" role="status">
            {short.length === 1
              ? `Change the quantity of ${short[0]?.name} (or remove it) to place your order.`
              : "Change the quantities marked above (or remove those items) to place your order."}
          </p>
        )}
        {signedIn ? (
          <button
            type="button"
            className="button large"
            disabled={place.isPending || short.length > 0}
            onClick={() => placeOrder()}
          >
            Place order
          </button>
        ) : (
          <p>
            <Link to="/login?next=%2Fcart" className="button">
              Log in to place your order
            </Link>
          </p>
        )}
        {place.isPending && (
          <p className="muted" role="status">
            Placing your order…
          </p>
        )}
      </div>
    </section>
  );
}

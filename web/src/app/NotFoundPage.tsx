import { Link } from "../lib/routing";

export function NotFoundPage() {
  return (
    <section className="narrow">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/">Back to the shop</Link>.
      </p>
    </section>
  );
}

import { type ReactNode, Suspense, useEffect, useState } from "react";
import { Link, NavLink, useLocation, useNavigate } from "../lib/routing";

import { Loading } from "../components/ui";
import { useCurrentUser, useLogOut, useSignedIn } from "../features/auth/api";
import { useStore } from "../api/store";
import { useCart } from "../features/cart/useCart";

/** The site's frame: on a wide screen one row (brand, pages, cart, account); on a phone one
 * short row (brand, cart, Menu) with the pages and the account behind the Menu button. */
export function Layout({ children }: { children: ReactNode }) {
  const signedIn = useSignedIn();
  const { user } = useCurrentUser();
  const { count } = useCart();
  const logOut = useLogOut();
  const navigate = useNavigate();
  const location = useLocation();
  const staff = user?.role === "admin" || user?.role === "stock_manager";
  const store = useStore();
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => setMenuOpen(false), [location.pathname, location.search]);
  useEffect(() => {
    if (!menuOpen) return undefined;
    const close = (event: KeyboardEvent) => event.key === "Escape" && setMenuOpen(false);
    window.addEventListener("keydown", close);
    return () => window.removeEventListener("keydown", close);
  }, [menuOpen]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            {store.data?.name ?? "Catalog"}
          </Link>
          <span className="cart-nav">
            <NavLink to="/cart" aria-describedby="cart-count">
              Cart
            </NavLink>
            <span className="badge" aria-hidden="true">
              {count}
            </span>
            <span id="cart-count" className="visually-hidden">
              {count === 1 ? "1 item" : `${count} items`}
            </span>
          </span>
          <button
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls="site-menu"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span className="menu-icon" aria-hidden="true" />
            Menu
          </button>
          <div id="site-menu" className={menuOpen ? "site-menu open" : "site-menu"}>
            <nav aria-label="Main" className="main-nav">
              <NavLink to="/" end>
                Shop
              </NavLink>
              {signedIn && <NavLink to="/orders">Orders</NavLink>}
              {staff && <NavLink to="/inventory">Inventory</NavLink>}
              {user?.role === "admin" && <NavLink to="/admin">Admin</NavLink>}
            </nav>
            <div className="account">
              {signedIn ? (
                <>
                  {user && <span className="account-name">{user.name}</span>}
                  <Link to="/account">Account</Link>
                  <button
                    type="button"
                    className="button secondary small"
                    onClick={async () => {
                      await logOut();
                      navigate("/");
                    }}
                  >
                    Log out
                  </button>
                </>
              ) : (
                <>
                  <Link to="/login">Log in</Link>
                  <Link to="/signup" className="button small">
                    Sign up
                  </Link>
                </>
              )}
            </div>
          </div>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          {children}
        </Suspense>
      </main>
      <footer className="site-footer">
        <a href="/docs">API documentation</a>
      </footer>
    </>
  );
}

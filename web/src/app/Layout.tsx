import { Suspense } from "react";
import { Link, NavLink, Outlet, useNavigate } from "react-router";

import { Loading } from "../components/ui";
import { useCurrentUser, useLogOut, useSignedIn } from "../lib/auth";
import { useStore } from "../lib/store";
import { useCart } from "../lib/useCart";

export function Layout() {
  const signedIn = useSignedIn();
  const { user } = useCurrentUser();
  const { count } = useCart();
  const logOut = useLogOut();
  const navigate = useNavigate();
  const staff = user?.role === "admin" || user?.role === "stock_manager";
  const store = useStore();

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
          <nav aria-label="Main" className="main-nav">
            <NavLink to="/" end>
              Shop
            </NavLink>
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
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">
        <a href="/docs">API documentation</a>
      </footer>
    </>
  );
}

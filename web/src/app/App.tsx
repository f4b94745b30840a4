import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy } from "react";
import { Navigate, Route, Router, Switch } from "../lib/routing";

import { ApiProblem } from "../api/problem";
import { CatalogPage } from "../features/catalog/CatalogPage";
import { Layout } from "./Layout";
import { NotFoundPage } from "./NotFoundPage";
import { RequireRole } from "./RequireRole";

// Everything but the catalog loads when first visited, to keep the first page light.
const ProductPage = lazy(() => import("../features/catalog/ProductPage"));
const LoginPage = lazy(() => import("../features/auth/LoginPage"));
const SignupPage = lazy(() => import("../features/auth/SignupPage"));
const ForgotPasswordPage = lazy(() => import("../features/auth/ForgotPasswordPage"));
const ResetPasswordPage = lazy(() => import("../features/auth/ResetPasswordPage"));
const UnsubscribePage = lazy(() => import("../features/auth/UnsubscribePage"));
const AccountPage = lazy(() => import("../features/auth/AccountPage"));
const CartPage = lazy(() => import("../features/cart/CartPage"));
const OrdersPage = lazy(() => import("../features/orders/OrdersPage"));
const OrderPage = lazy(() => import("../features/orders/OrderPage"));
const InventoryPage = lazy(() => import("../features/inventory/InventoryPage"));
const StockPage = lazy(() => import("../features/inventory/StockPage"));
const AdminProductsPage = lazy(() => import("../features/admin/AdminProductsPage"));
const ProductEditorPage = lazy(() => import("../features/admin/ProductEditorPage"));
const UsersPage = lazy(() => import("../features/admin/UsersPage"));
const AdminOrdersPage = lazy(() => import("../features/admin/AdminOrdersPage"));
const AuditPage = lazy(() => import("../features/admin/AuditPage"));
const WebhooksPage = lazy(() => import("../features/admin/WebhooksPage"));
const ImportPage = lazy(() => import("../features/admin/ImportPage"));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // a 4xx will not change by asking again; network trouble and 5xx may
      retry: (failures, error) =>
        failures < 2 && !(error instanceof ApiProblem && error.status < 500),
    },
  },
});

const staff = ["admin", "stock_manager"] as const;

/** The pages. Everything but the catalog loads when first visited (above). */
function Pages() {
  return (
    <Switch>
      <Route path="/" component={CatalogPage} />
      <Route path="/products/:productId" component={ProductPage} />
      <Route path="/cart" component={CartPage} />
      <Route path="/login" component={LoginPage} />
      <Route path="/signup" component={SignupPage} />
      <Route path="/forgot-password" component={ForgotPasswordPage} />
      <Route path="/reset-password" component={ResetPasswordPage} />
      <Route path="/unsubscribe" component={UnsubscribePage} />
      <Route path="/account">
        <RequireRole>
          <AccountPage />
        </RequireRole>
      </Route>
      <Route path="/orders">
        <RequireRole>
          <OrdersPage />
        </RequireRole>
      </Route>
      <Route path="/orders/:orderId">
        <RequireRole>
          <OrderPage />
        </RequireRole>
      </Route>
      <Route path="/inventory">
        <RequireRole roles={[...staff]}>
          <InventoryPage />
        </RequireRole>
      </Route>
      <Route path="/inventory/:productId">
        <RequireRole roles={[...staff]}>
          <StockPage />
        </RequireRole>
      </Route>
      <Route path="/admin">
        <Navigate to="/admin/products" replace />
      </Route>
      <Route path="/admin/products">
        <RequireRole roles={["admin"]}>
          <AdminProductsPage />
        </RequireRole>
      </Route>
      <Route path="/admin/products/new">
        <RequireRole roles={["admin"]}>
          <ProductEditorPage />
        </RequireRole>
      </Route>
      <Route path="/admin/products/:productId">
        <RequireRole roles={["admin"]}>
          <ProductEditorPage />
        </RequireRole>
      </Route>
      <Route path="/admin/users">
        <RequireRole roles={["admin"]}>
          <UsersPage />
        </RequireRole>
      </Route>
      <Route path="/admin/orders">
        <RequireRole roles={["admin"]}>
          <AdminOrdersPage />
        </RequireRole>
      </Route>
      <Route path="/admin/audit">
        <RequireRole roles={["admin"]}>
          <AuditPage />
        </RequireRole>
      </Route>
      <Route path="/admin/webhooks">
        <RequireRole roles={["admin"]}>
          <WebhooksPage />
        </RequireRole>
      </Route>
      <Route path="/admin/import">
        <RequireRole roles={["admin"]}>
          <ImportPage />
        </RequireRole>
      </Route>
      <Route component={NotFoundPage} />
    </Switch>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Router base="/app">
        <Layout>
          <Pages />
        </Layout>
      </Router>
    </QueryClientProvider>
  );
}

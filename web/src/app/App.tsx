import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy } from "react";
import { createBrowserRouter, Navigate, RouterProvider } from "react-router";

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

const router = createBrowserRouter(
  [
    {
      element: <Layout />,
      children: [
        { index: true, element: <CatalogPage /> },
        { path: "products/:productId", element: <ProductPage /> },
        { path: "cart", element: <CartPage /> },
        { path: "login", element: <LoginPage /> },
        { path: "signup", element: <SignupPage /> },
        { path: "forgot-password", element: <ForgotPasswordPage /> },
        { path: "reset-password", element: <ResetPasswordPage /> },
        { path: "account", element: <RequireRole><AccountPage /></RequireRole> },
        { path: "orders", element: <RequireRole><OrdersPage /></RequireRole> },
        { path: "orders/:orderId", element: <RequireRole><OrderPage /></RequireRole> },
        { path: "inventory", element: <RequireRole roles={[...staff]}><InventoryPage /></RequireRole> },
        {
          path: "inventory/:productId",
          element: <RequireRole roles={[...staff]}><StockPage /></RequireRole>,
        },
        { path: "admin", element: <Navigate to="/admin/products" replace /> },
        {
          path: "admin/products",
          element: <RequireRole roles={["admin"]}><AdminProductsPage /></RequireRole>,
        },
        {
          path: "admin/products/new",
          element: <RequireRole roles={["admin"]}><ProductEditorPage /></RequireRole>,
        },
        {
          path: "admin/products/:productId",
          element: <RequireRole roles={["admin"]}><ProductEditorPage /></RequireRole>,
        },
        { path: "admin/users", element: <RequireRole roles={["admin"]}><UsersPage /></RequireRole> },
        {
          path: "admin/orders",
          element: <RequireRole roles={["admin"]}><AdminOrdersPage /></RequireRole>,
        },
        { path: "*", element: <NotFoundPage /> },
      ],
    },
  ],
  { basename: "/app" },
);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}

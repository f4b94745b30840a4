import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The API the dev server forwards to (`make web-dev` sets it from API_PORT).
const api = process.env.API_URL ?? "http://127.0.0.1:8000";
const apiPaths = [
  "/auth",
  "/admin",
  "/products",
  "/categories",
  "/inventory",
  "/orders",
  "/health",
  "/store",
  "/docs",
  "/openapi.json",
];

export default defineConfig({
  base: "/app/",
  plugins: [react()],
  build: {
    manifest: true,
    sourcemap: false,
    target: "es2022",
  },
  server: {
    host: "127.0.0.1",
    port: Number(process.env.WEB_DEV_PORT ?? 5173),
    strictPort: true,
    proxy: Object.fromEntries(apiPaths.map((path) => [path, { target: api, changeOrigin: true }])),
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});

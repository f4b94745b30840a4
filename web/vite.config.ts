import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

/** Every text file of the build also as .br and .gz, compressed once at build time at the
 * highest levels, for the local server to send as they are (app/web.py). CloudFront
 * compresses on its own: devtools/deploy_web.py leaves these out. */
function precompress(): Plugin {
  const compressible = /\.(js|css|html|svg|json)$/;
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
  let outDir = "dist";
  return {
    name: "precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      for (const path of files(outDir).filter((p) => compressible.test(p))) {
        const data = readFileSync(path);
        if (data.length < 1024) continue;
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

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
  plugins: [react(), precompress()],
  build: {
    manifest: true,
    sourcemap: false,
    target: "es2022",
    modulePreload: { polyfill: false }, // every browser the app supports preloads modules
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

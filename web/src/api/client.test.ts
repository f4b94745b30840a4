import { describe, expect, it } from "vitest";

import { isSharedRead } from "./client";

describe("isSharedRead", () => {
  it("sends catalog reads without a token, so shared caches serve them to everyone", () => {
    expect(isSharedRead("GET", "http://shop.example/products?q=lamp")).toBe(true);
    expect(isSharedRead("GET", "/products/6f1c")).toBe(true);
    expect(isSharedRead("HEAD", "/categories")).toBe(true);
  });

  it("keeps the token on everything else", () => {
    expect(isSharedRead("PATCH", "/products/6f1c")).toBe(false);
    expect(isSharedRead("POST", "/products")).toBe(false);
    expect(isSharedRead("GET", "/products/6f1c/image")).toBe(false);
    expect(isSharedRead("GET", "/orders")).toBe(false);
    expect(isSharedRead("GET", "/inventory/6f1c")).toBe(false);
    expect(isSharedRead("GET", "/auth/me")).toBe(false);
  });

  it("keeps the token on a read that asks for the latest", () => {
    expect(isSharedRead("GET", "/products/6f1c", "no-cache")).toBe(false);
    expect(isSharedRead("GET", "/products", "reload")).toBe(false);
    expect(isSharedRead("GET", "/products/6f1c", "no-store")).toBe(true); // the live poll
  });
});

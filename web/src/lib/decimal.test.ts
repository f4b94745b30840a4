import { describe, expect, it } from "vitest";

import { parseAmount } from "./decimal";

describe("prices as people type them", () => {
  it("takes a decimal comma and a decimal point", () => {
    expect(parseAmount("29,90", "de-DE")).toEqual({ ok: true, value: "29.90" });
    expect(parseAmount("29,90", "en-US")).toEqual({ ok: true, value: "29.90" });
    expect(parseAmount(" 29.90 ", "en-US")).toEqual({ ok: true, value: "29.90" });
    expect(parseAmount("7", "fr-FR")).toEqual({ ok: true, value: "7" });
  });

  it("reads thousands separators", () => {
    expect(parseAmount("1.299,00", "de-DE")).toEqual({ ok: true, value: "1299.00" });
    expect(parseAmount("1,299.00", "en-US")).toEqual({ ok: true, value: "1299.00" });
    expect(parseAmount("1 299,00", "fr-FR")).toEqual({ ok: true, value: "1299.00" });
    expect(parseAmount("1,299", "en-US")).toEqual({ ok: true, value: "1299" });
    expect(parseAmount("1,299", "de-DE")).toEqual({ ok: false, message: "Use at most 2 decimals (cents)." });
  });

  it("says in words what is wrong", () => {
    expect(parseAmount("", "en-US")).toEqual({ ok: false, message: "Enter a price, like 19.99." });
    expect(parseAmount("abc", "en-US")).toEqual({ ok: false, message: "Enter a price, like 19.99." });
    expect(parseAmount("9.999", "en-US")).toEqual({ ok: false, message: "Use at most 2 decimals (cents)." });
    expect(parseAmount("-5", "en-US").ok).toBe(false);
  });
});

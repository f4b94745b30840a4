/**
 * Money as people type it: "29,90" where the decimal comma is the custom, "29.90", "1 299,00"
 * or "1,299.00". The API takes a decimal string with a point; these pure functions turn what
 * was typed into one, or say why they cannot (decimal.test.ts).
 */

export type ParsedAmount = { ok: true; value: string } | { ok: false; message: string };

/** The decimal separator of a locale ("," for de-DE and fr-FR, "." for en-US). */
export function decimalSeparator(locale?: string): string {
  const parts = new Intl.NumberFormat(locale).formatToParts(1.5);
  return parts.find((part) => part.type === "decimal")?.value ?? ".";
}

export function parseAmount(typed: string, locale?: string): ParsedAmount {
  const text = typed.trim().replace(/[\s\u00a0\u202f']/g, "");
  if (!text) return { ok: false, message: "Enter a price, like 19.99." };
  const separator = decimalSeparator(locale);
  let normalized = text;
  const lastComma = text.lastIndexOf(",");
  const lastPoint = text.lastIndexOf(".");
  if (lastComma >= 0 && lastPoint >= 0) {
    // both: the later one is the decimal mark, the other groups thousands
    const decimal = lastComma > lastPoint ? "," : ".";
    const group = decimal === "," ? "." : ",";
    normalized = text.split(group).join("").replace(decimal, ".");
  } else if (lastComma >= 0) {
    // a lone comma: a decimal comma, unless it groups thousands in a point-decimal locale
    const digitsAfter = text.length - lastComma - 1;
    const grouping = separator === "." && digitsAfter === 3 && text.indexOf(",") === lastComma;
    normalized = grouping ? text.replace(",", "") : text.replace(",", ".");
  }
  if (!/^\d+(\.\d{1,2})?$/.test(normalized)) {
    return /^\d+\.\d{3,}$/.test(normalized)
      ? { ok: false, message: "Use at most 2 decimals (cents)." }
      : { ok: false, message: "Enter a price, like 19.99." };
  }
  return { ok: true, value: normalized };
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** "19.99" EUR -> "€19.99" (the amount stays a decimal string until it is shown). */
export function money(amount: string, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat("en", { style: "currency", currency });
    } catch {
      return `${amount} ${currency}`;
    }
    moneyFormats.set(currency, format);
  }
  // formatting a decimal string keeps every cent exact (no float arithmetic)
  return format.format(amount as unknown as number);
}

const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

export function when(iso: string): string {
  return dateTime.format(new Date(iso));
}

export function stockWords(stock: number): string {
  if (stock <= 0) return "Sold out";
  if (stock <= 5) return `Only ${stock} left`;
  return `${stock} in stock`;
}

/** The product editor's options and the variants they make (pure: variantDrafts.test.ts). */

export interface OptionDraft {
  name: string;
  values: string; // separated by commas, as typed
}

export interface VariantRow {
  options: Record<string, string>;
  sku: string;
  price: string;
  stock: string;
}

export const MAX_OPTIONS = 3;
export const MAX_VARIANTS = 100;

/** The options as the API takes them: named ones with their distinct values. */
export function optionSpecs(drafts: OptionDraft[]): { name: string; values: string[] }[] {
  return drafts
    .map((d) => ({
      name: d.name.trim(),
      values: [...new Set(d.values.split(",").map((v) => v.trim()).filter(Boolean))],
    }))
    .filter((o) => o.name && o.values.length > 0);
}

/** Every combination of the options' values, keeping what was typed for one seen before. */
export function combinations(
  options: { name: string; values: string[] }[],
  before: VariantRow[],
): VariantRow[] {
  if (options.length === 0) return [];
  let combos: Record<string, string>[] = [{}];
  for (const option of options) {
    combos = combos.flatMap((combo) => option.values.map((value) => ({ ...combo, [option.name]: value })));
  }
  const key = (o: Record<string, string>) => options.map((option) => o[option.name]).join("\u001f");
  const kept = new Map(before.map((row) => [key(row.options), row]));
  return combos.slice(0, MAX_VARIANTS).map((combo) => ({
    ...(kept.get(key(combo)) ?? { sku: "", price: "", stock: "0" }),
    options: combo,
  }));
}

/** "M / Blue". */
export function rowLabel(options: { name: string }[], row: Pick<VariantRow, "options">): string {
  return options.map((option) => row.options[option.name]).join(" / ");
}

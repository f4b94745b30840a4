/** A product's photo, or a tile with its initials when it has none. Next to the product's
 * name (cards, cart lines, tables) it is decorative: the name is said once, not twice. */
export function ProductImage({
  name,
  url,
  size = "card",
  decorative = size !== "large",
  priority = false,
}: {
  name: string;
  url: string | null | undefined;
  size?: "card" | "large" | "thumb";
  decorative?: boolean;
  /** In view when the page opens (the first cards, a product's own photo): fetched at once
   * and first, not lazily -- it is what the page is judged by. */
  priority?: boolean;
}) {
  if (url) {
    return (
      <img
        className={`product-image image-${size}`}
        src={url}
        alt={decorative ? "" : name}
        width={640}
        height={480}
        loading={priority ? "eager" : "lazy"}
        fetchPriority={priority ? "high" : "auto"}
        decoding="async"
      />
    );
  }
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase())
    .join("");
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const tile = `product-image image-${size} placeholder tone-${hash % 6}`;
  return decorative ? (
    <div className={tile} aria-hidden="true">
      <span>{initials}</span>
    </div>
  ) : (
    <div className={tile} role="img" aria-label={name}>
      <span aria-hidden="true">{initials}</span>
    </div>
  );
}

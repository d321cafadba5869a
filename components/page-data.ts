// Kept apart from shopper-page.ts (which reads the database): pages call `unpack` while rendering,
// and Next removes from a page's browser bundle only what getServerSideProps alone uses.

/**
 * getServerSideProps answers JSON, and the domain's views hold Dates and Maps: `pack` keeps them
 * through the props (tagged) and `unpack` gives them back, so pages render the same views the
 * domain returns. (No browser ever reads these props: the pages ship no runtime.)
 */
export function pack(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, current: unknown) {
    const original = this[key];
    if (original instanceof Date) return { $date: original.toISOString() };
    if (original instanceof Map) return { $map: [...original.entries()] };
    return current;
  });
}

export function unpack<T>(packed: string): T {
  return JSON.parse(packed, (_key, value: unknown) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      if ("$date" in value) return new Date((value as { $date: string }).$date);
      if ("$map" in value) return new Map((value as { $map: [unknown, unknown][] }).$map);
    }
    return value;
  }) as T;
}

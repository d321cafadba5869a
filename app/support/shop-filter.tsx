import { Field } from "@/components/field";

/** The "Shop" field of the support filters: all the agent's shops, or one of them. */
export function ShopFilter({ shops, merchantId }: { shops: { id: string; name: string }[]; merchantId?: string }) {
  return (
    <Field htmlFor="merchant" label="Shop">
      <select
        id="merchant"
        name="merchant"
        defaultValue={merchantId ?? ""}
        className="rounded-lg border border-stone-400 bg-white px-2.5 py-1.5 text-sm"
      >
        <option value="">All my shops</option>
        {shops.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

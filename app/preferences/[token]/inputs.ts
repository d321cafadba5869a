import { z } from "zod";

// The email preferences form (POST /preferences/{token}/save), parsed apart from its route so it can be fuzzed.

const input = z.object({
  token: z.string().min(1).max(2048),
  allOrders: z.enum(["yes", "no"]),
  order: z.enum(["follow", "yes", "no"]).optional(),
});

export function parsePreferences(
  form: FormData,
): { ok: true; data: z.output<typeof input> } | { ok: false; error: string } {
  const parsed = input.safeParse({
    token: form.get("token"),
    allOrders: form.get("allOrders"),
    order: form.get("order") ?? undefined,
  });
  return parsed.success
    ? { ok: true, data: parsed.data }
    : { ok: false, error: "Choose an option for each question, then save." };
}

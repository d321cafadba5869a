import { z } from "zod";

// The sign-in form (POST /signin/request), parsed apart from its route so it can be fuzzed.

const input = z.object({
  email: z
    .email("Enter the email address you ordered with.")
    .max(254)
    .transform((e) => e.trim().toLowerCase()),
  callbackUrl: z
    .string()
    .optional()
    // Only paths on this site: never send someone elsewhere after sign-in (browsers read "/\x" as "//x").
    .transform((url) => (url && /^\/(?![/\\])/.test(url) ? url : "/orders")),
});

export function parseSignIn(form: FormData): { ok: true; data: z.output<typeof input> } | { ok: false; error: string } {
  const parsed = input.safeParse({ email: form.get("email") ?? "", callbackUrl: form.get("callbackUrl") ?? undefined });
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, error: parsed.error.issues[0]!.message };
}

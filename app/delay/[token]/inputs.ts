import { z } from "zod";

// The delay notice's answer (POST /delay/{token}/answer), parsed apart from its route so it can be fuzzed.

const input = z.object({ token: z.string().min(1).max(2048), answer: z.enum(["keep_waiting", "cancel"]) });

export function parseDelayAnswer(
  form: FormData,
): { ok: true; data: z.output<typeof input> } | { ok: false; error: string } {
  const parsed = input.safeParse({ token: form.get("token"), answer: form.get("answer") });
  return parsed.success
    ? { ok: true, data: parsed.data }
    : { ok: false, error: "That answer was not complete; please reload the page and try again." };
}

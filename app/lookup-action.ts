"use server";

export type LookupState = { message: string | null; values?: { number: string; email: string } };

export async function lookupOrder(_previous: LookupState, form: FormData): Promise<LookupState> {
  const values = { number: String(form.get("number") ?? ""), email: String(form.get("email") ?? "") };
  return { message: "Order lookup is coming soon.", values };
}

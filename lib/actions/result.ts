import { isDomainError } from "../errors";

// What every action answers, whoever calls it (a shopper's form, an agent's button, a signed
// link's page): a sentence for people, never a stack trace. Expected failures (not found, already
// shipped, out of stock) are DomainErrors with their own sentence; anything else is logged and
// answered with the same generic sentence, having changed nothing (the domain runs in a transaction).

export type Parsed<T> = { ok: true; data: T } | { ok: false; error: string };

export type ActionResult<T extends object = object> =
  ({ ok: true; message: string } & T) | { ok: false; error: string };

export const somethingWentWrong =
  "Something went wrong on our side and nothing was changed. Please try again in a moment.";

/** Runs an action's work and answers for it: its message, the DomainError's sentence, or the generic one (logged). */
export async function settle<T extends object>(
  label: string,
  work: () => Promise<{ message: string } & T>,
): Promise<ActionResult<T>> {
  try {
    return { ok: true, ...(await work()) };
  } catch (error) {
    if (isDomainError(error)) return { ok: false, error: error.message };
    console.error(`${label} failed`, error);
    return { ok: false, error: somethingWentWrong };
  }
}

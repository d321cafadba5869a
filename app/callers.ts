import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { settle, type ActionResult, type Parsed } from "@/lib/actions/result";
import { readSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { orderForShopper } from "@/lib/orders/read";
import type { AgentScope } from "@/lib/support/access";
import { rememberOwnWrite } from "./read-after";
import { agentOrNull } from "./support/guard";

// One way to write an action, per kind of caller. Each returned function is the action itself (a
// server action of the support console, or what a shopper form post's route handler runs through
// app/form-posts.ts): it parses the form (`parse`, a sentence when it refuses), checks who is
// asking, runs the domain and answers an ActionResult with a sentence (lib/actions/result.ts:
// expected failures by their own words, anything else logged and generic).

type Action<T extends object> = (previous: ActionResult<T> | null, form: FormData) => Promise<ActionResult<T>>;
type Work<I, C, T extends object> = (input: I, caller: C) => Promise<{ message: string } & T>;

export const signInAgain = "Your sign-in has expired. Please sign in again.";
export const notYours = "We could not find that order for the email you signed in with.";
export const agentsOnly = "Only support agents can do this. Please sign in again.";
export const adminsOnly = "Only admins can change a shop's integration settings.";

/**
 * The signed-in shopper of this request, read through Auth.js's adapter (lib/auth/session.ts); when
 * the session's expiry moves forward, the response carries the refreshed cookie.
 */
export async function shopperEmail(): Promise<string | null> {
  const jar = await cookies();
  const session = await readSession(db(), Object.fromEntries(jar.getAll().map((c) => [c.name, c.value])));
  if (session?.refresh) {
    const { name, value, expires, secure } = session.refresh;
    jar.set(name, value, { path: "/", expires, httpOnly: true, sameSite: "lax", secure });
  }
  return session?.email ?? null;
}

/** A signed-in shopper acting on their own order (`orderId` in the input): anyone else's order is "not found". */
export function shopperAction<I extends { orderId: string }, T extends object = object>(
  label: string,
  parse: (form: FormData) => Parsed<I>,
  work: Work<I, { email: string; order: { id: string; merchantId: string } }, T>,
): Action<T> {
  return async (_previous, form) => {
    const parsed = parse(form);
    if (!parsed.ok) return parsed;
    const email = await shopperEmail();
    if (!email) return { ok: false, error: signInAgain };
    const order = await orderForShopper(db(), { orderId: parsed.data.orderId, email });
    if (!order) return { ok: false, error: notYours };
    const result = await settle(label, () => work(parsed.data, { email, order }));
    if (result.ok) await rememberOwnWrite();
    return result;
  };
}

/**
 * A support agent (or, with `role: "admin"`, only an admin) acting in the console. The domain
 * functions in lib/support and lib/integrations check again that the order or shop is one the
 * agent serves; `revalidate` names the pages that show what changed.
 */
export function agentAction<I, T extends object = object>(
  label: string,
  parse: (form: FormData) => Parsed<I>,
  work: Work<I, AgentScope, T>,
  options: { role?: "agent" | "admin"; revalidate: (input: I) => string[] },
): Action<T> {
  return async (_previous, form) => {
    const parsed = parse(form);
    if (!parsed.ok) return parsed;
    const scope = await agentOrNull();
    if (!scope) return { ok: false, error: agentsOnly };
    if (options.role === "admin" && scope.role !== "admin") return { ok: false, error: adminsOnly };
    const result = await settle(label, () => work(parsed.data, scope));
    if (result.ok) {
      await rememberOwnWrite();
      for (const path of options.revalidate(parsed.data)) revalidatePath(path);
    }
    return result;
  };
}

/**
 * Whoever holds a signed link from one of our emails (a delay notice, the email preferences): the
 * link is the identity. `read` checks its signature and answers what it names, or null.
 */
export function linkAction<I extends { token: string }, L, T extends object = object>(
  label: string,
  parse: (form: FormData) => Parsed<I>,
  read: (token: string) => L | null,
  invalid: string,
  work: Work<I, L, T>,
): Action<T> {
  return async (_previous, form) => {
    const parsed = parse(form);
    if (!parsed.ok) return parsed;
    const link = read(parsed.data.token);
    if (!link) return { ok: false, error: invalid };
    const result = await settle(label, () => work(parsed.data, link));
    if (result.ok) await rememberOwnWrite();
    return result;
  };
}

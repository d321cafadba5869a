import { z } from "zod";
import { env } from "../env";
import { signToken, verifyToken } from "../links/tokens";

// The signed links in notification emails. Each token is bound to its purpose (a preferences
// token cannot answer a delay notice) and carries only what its page needs.

const preferencesPayload = z.object({ e: z.email(), o: z.uuid().nullable().optional() });
const unsubscribePayload = z.object({ e: z.email() });
const delayPayload = z.object({ n: z.number().int().positive() });

/** The signed-in order page, where the shopper can cancel, swap or change how it ships. */
export function manageUrl(orderId: string): string {
  return `${env().APP_URL}/orders/${orderId}`;
}

export function preferencesToken(email: string, orderId: string | null): string {
  return signToken("preferences", orderId ? { e: email, o: orderId } : { e: email });
}

export function preferencesUrl(email: string, orderId: string | null): string {
  return `${env().APP_URL}/preferences/${preferencesToken(email, orderId)}`;
}

/** The one-click unsubscribe address (RFC 8058): a POST there stops ETA updates for this email. */
export function unsubscribeUrl(email: string): string {
  return `${env().APP_URL}/api/unsubscribe/${signToken("unsubscribe", { e: email })}`;
}

export function delayAnswerUrl(noticeId: number): string {
  return `${env().APP_URL}/delay/${signToken("delay", { n: noticeId })}`;
}

export function readPreferencesToken(token: string): { email: string; orderId: string | null } | null {
  const parsed = preferencesPayload.safeParse(verifyToken("preferences", token));
  return parsed.success ? { email: parsed.data.e.toLowerCase(), orderId: parsed.data.o ?? null } : null;
}

export function readUnsubscribeToken(token: string): { email: string } | null {
  const parsed = unsubscribePayload.safeParse(verifyToken("unsubscribe", token));
  return parsed.success ? { email: parsed.data.e.toLowerCase() } : null;
}

export function readDelayToken(token: string): { noticeId: number } | null {
  const parsed = delayPayload.safeParse(verifyToken("delay", token));
  return parsed.success ? { noticeId: parsed.data.n } : null;
}

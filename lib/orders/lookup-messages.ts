// What the lookup says. A wrong email and a missing order share one message, on purpose; so do a
// match and no match while an email's lookups are held back ("emailed").
export const lookupMessages = {
  not_found:
    "We could not find an order with that number and email. Check both (the number is in your order confirmation), or sign in with your email to see all your orders.",
  slow_down: "That was a lot of lookups in a short time. Please wait a few minutes, then try again.",
  emailed:
    "There have been many lookups with this email, so we do not open orders here for it for a while. If the number and email match an order, we have emailed its link to that address.",
  invalid: "Enter your order number and the email you ordered with.",
  too_large: "That lookup was far larger than an order number and an email; please type them again.",
} as const;

export type LookupMessageCode = keyof typeof lookupMessages;

/** The sentence for `?lookup=<code>` on the home page (POST /lookup without JavaScript redirects there). */
export function noScriptLookupMessage(code: string | undefined): string | null {
  return code && Object.hasOwn(lookupMessages, code) ? lookupMessages[code as LookupMessageCode] : null;
}

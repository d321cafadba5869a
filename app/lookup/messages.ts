// What the lookup says. A wrong email and a missing order share one message, on purpose.
export const lookupMessages = {
  not_found:
    "We could not find an order with that number and email. Check both (the number is in your order confirmation), or sign in with your email to see all your orders.",
  slow_down: "That was a lot of lookups in a short time. Please wait a few minutes, then try again.",
} as const;

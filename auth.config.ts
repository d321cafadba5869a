import type { NextAuthConfig } from "next-auth";

// The part of the Auth.js configuration that needs no database: our own pages for each step.
// Pages and actions check the session themselves (middleware alone is no guard).
export const authConfig = {
  pages: {
    signIn: "/signin",
    verifyRequest: "/signin/check-email",
    error: "/signin/error",
  },
  providers: [],
} satisfies NextAuthConfig;

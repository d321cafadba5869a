// GET|POST /api/auth/* — Auth.js (magic-link sign-in, sign-out, session).
import { handlers } from "@/auth";

export const { GET, POST } = handlers;

// GET|POST /api/auth/* — Auth.js (magic-link sign-in, sign-out, session).
import { NextRequest } from "next/server";
import { handlers } from "@/auth";
import { limitedBody, maxFormBodyBytes } from "@/lib/http/body";

export const { GET } = handlers;

// Auth.js parses whatever body it is given; it gets the bytes only once they are known to be small.
export async function POST(request: NextRequest) {
  const body = await limitedBody(request, maxFormBodyBytes, false);
  if (!body.ok) return body.response;
  return handlers.POST(
    new NextRequest(request.url, { method: "POST", headers: request.headers, body: body.bytes as BodyInit }),
  );
}

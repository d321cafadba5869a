// GET /api/v1/openapi.json — the ingest API's OpenAPI document, generated from its zod schemas.
import { openApiDocument } from "@/lib/api/openapi";
import { env } from "@/lib/env";

export function GET() {
  return Response.json(openApiDocument(env().APP_URL));
}

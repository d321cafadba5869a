import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { type z } from "zod";
import type { Actor } from "../audit/actor";
import { db as appDb, rows, type Tx } from "../db/client";
import { idempotencyKeys } from "../db/schema/integrations";
import { transaction } from "../db/transaction";
import { DomainError, isDomainError } from "../errors";
import { maxBodyBytes } from "../http/limits";
import { decodePathSegment } from "../security/text";
import { authenticateApiKey, type ApiCaller } from "./keys";

// The ingest API's request pipeline, shared by every route handler under app/api/v1:
// key → size → JSON → zod → (Idempotency-Key) → domain in one transaction → zod on the way out.

export type ApiError = { code: string; message: string; field?: string; fields?: { path: string; message: string }[] };

export function errorResponse(status: number, error: ApiError, headers: HeadersInit = {}) {
  return Response.json({ error }, { status, headers });
}

/** `lines[2].quantity` from zod's path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)),
    "",
  );
}

function invalid(error: z.ZodError) {
  const fields = error.issues.flatMap((issue) =>
    // An unknown key is at fault itself, not the object holding it: name it.
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: fieldPath([...issue.path, key]), message: "is not a field we know" }))
      : [{ path: fieldPath(issue.path) || "(body)", message: issue.message }],
  );
  const first = fields[0]!;
  return errorResponse(422, {
    code: "invalid",
    message: first.path === "(body)" ? first.message : `${first.path} ${first.message}`,
    field: first.path,
    fields,
  });
}

/** The body's bytes as sent, or null when they exceed `limit` (declared or counted while reading). */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array | null> {
  if (Number(request.headers.get("content-length") ?? 0) > limit) return null;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function readBody(request: Request): Promise<{ ok: true; text: string } | { ok: false; response: Response }> {
  const bytes = await readBodyBytes(request, maxBodyBytes);
  if (!bytes)
    return {
      ok: false,
      response: errorResponse(413, {
        code: "too_large",
        message: `The request body is larger than ${maxBodyBytes / 1_000_000} MB.`,
      }),
    };
  return { ok: true, text: Buffer.from(bytes).toString("utf8") };
}

type Handled = { status: number; body: unknown };
type Context = { params: Promise<Record<string, string>> };

/**
 * The record a request names in its path (`/orders/{number}`), decoded. Malformed escapes
 * (`%E0%A4%A`) or a NUL can name no record, so they are answered as an unknown one is: 404, naming
 * the parameter, never a failed decode or query.
 */
export function pathRecord(params: Record<string, string>, name: string, noun: string): string {
  const decoded = decodePathSegment(params[name]!);
  if (decoded === null) throw new DomainError("not_found", `No ${noun} ${params[name]} for this merchant.`, name);
  return decoded;
}

/**
 * A POST endpoint of the ingest API. `handle` runs inside one transaction together with the
 * idempotency record, so a retry with the same `Idempotency-Key` returns the first answer and a
 * failed request leaves nothing behind.
 */
export function apiPost<In extends z.ZodType, Out extends z.ZodType>(spec: {
  input: In;
  output: Out;
  handle: (
    tx: Tx,
    call: { caller: ApiCaller; actor: Actor; input: z.output<In>; params: Record<string, string>; now: Date },
  ) => Promise<{ status: number; body: z.input<Out> }>;
}) {
  return async (request: Request, context: Context): Promise<Response> => {
    try {
      const db = appDb();
      const caller = await authenticateApiKey(db, request.headers.get("authorization"));
      if (!caller) {
        return errorResponse(
          401,
          { code: "unauthorized", message: "Send a valid API key as Authorization: Bearer <key>." },
          { "WWW-Authenticate": "Bearer" },
        );
      }
      const body = await readBody(request);
      if (!body.ok) return body.response;
      let json: unknown;
      try {
        json = JSON.parse(body.text);
      } catch {
        return errorResponse(400, { code: "bad_json", message: "The request body is not valid JSON." });
      }
      const parsed = spec.input.safeParse(json);
      if (!parsed.success) return invalid(parsed.error);
      const params = await context.params;

      const key = request.headers.get("idempotency-key");
      if (key !== null && (key.length < 1 || key.length > 255)) {
        return errorResponse(400, {
          code: "bad_idempotency_key",
          message: "Idempotency-Key must be 1 to 255 characters.",
          field: "Idempotency-Key",
        });
      }
      const fingerprint = createHash("sha256")
        .update(`${request.method} ${new URL(request.url).pathname}\n${body.text}`)
        .digest("hex");
      const actor: Actor = { type: "api", id: caller.keyId };

      const outcome = await transaction(db, async (tx): Promise<Handled | Response> => {
        if (key) {
          const claimed = await rows(
            tx,
            sql`insert into idempotency_keys (merchant_id, key, request_fingerprint, status_code, response_body)
                values (${caller.merchantId}, ${key}, ${fingerprint}, 0, '')
                on conflict (merchant_id, key) do nothing returning key`,
          );
          if (claimed.length === 0) {
            // Someone sent this key first; their transaction has committed by now (we waited on it).
            const [first] = await tx
              .select()
              .from(idempotencyKeys)
              .where(and(eq(idempotencyKeys.merchantId, caller.merchantId), eq(idempotencyKeys.key, key)));
            if (first!.requestFingerprint !== fingerprint) {
              return errorResponse(422, {
                code: "idempotency_key_reused",
                message: "This Idempotency-Key was used for a different request.",
                field: "Idempotency-Key",
              });
            }
            return new Response(first!.responseBody, {
              status: first!.statusCode,
              headers: { "content-type": "application/json", "Idempotent-Replayed": "true" },
            });
          }
        }
        const result = await spec.handle(tx, { caller, actor, input: parsed.data, params, now: new Date() });
        const out = spec.output.parse(result.body);
        if (key) {
          await tx
            .update(idempotencyKeys)
            .set({ statusCode: result.status, responseBody: JSON.stringify(out) })
            .where(and(eq(idempotencyKeys.merchantId, caller.merchantId), eq(idempotencyKeys.key, key)));
        }
        return { status: result.status, body: out };
      });
      return outcome instanceof Response ? outcome : Response.json(outcome.body, { status: outcome.status });
    } catch (error) {
      return failure(error);
    }
  };
}

/** A GET endpoint of the ingest API (authenticated, no body). */
export function apiGet<Out extends z.ZodType>(spec: {
  output: Out;
  handle: (call: {
    caller: ApiCaller;
    params: Record<string, string>;
    url: URL;
  }) => Promise<{ status: number; body: z.input<Out> }>;
}) {
  return async (request: Request, context: Context): Promise<Response> => {
    try {
      const caller = await authenticateApiKey(appDb(), request.headers.get("authorization"));
      if (!caller) {
        return errorResponse(
          401,
          { code: "unauthorized", message: "Send a valid API key as Authorization: Bearer <key>." },
          { "WWW-Authenticate": "Bearer" },
        );
      }
      const result = await spec.handle({ caller, params: await context.params, url: new URL(request.url) });
      return Response.json(spec.output.parse(result.body), { status: result.status });
    } catch (error) {
      return failure(error);
    }
  };
}

function failure(error: unknown): Response {
  if (isDomainError(error)) {
    return errorResponse(error.httpStatus, {
      code: error.code,
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
    });
  }
  console.error("ingest API request failed", error);
  return errorResponse(500, {
    code: "internal",
    message: "Something went wrong on our side; nothing was changed. Please retry.",
  });
}

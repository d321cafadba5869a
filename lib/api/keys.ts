import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { apiKeys } from "../db/schema/integrations";
import { merchants } from "../db/schema/merchants";
import { DomainError } from "../errors";

// Ingest API keys: `bo_live_` and 32 random characters, shown once; only a SHA-256 is stored
// (keys are long and random, so a fast hash is enough and lookups stay one index probe).

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export async function createApiKey(db: DbOrTx, params: { merchantSlug: string; name: string }) {
  const [merchant] = await db.select().from(merchants).where(eq(merchants.slug, params.merchantSlug));
  if (!merchant) throw new DomainError("not_found", `No merchant with slug ${params.merchantSlug}.`);
  const key = `bo_live_${randomBytes(24).toString("base64url")}`;
  const [row] = await db
    .insert(apiKeys)
    .values({ merchantId: merchant.id, name: params.name, prefix: key.slice(0, 12), keyHash: hashApiKey(key) })
    .returning({ id: apiKeys.id });
  return { id: row!.id, key, merchant };
}

export type ApiCaller = { merchantId: string; keyId: string };

/** The merchant behind `Authorization: Bearer <key>`, or null for a missing, unknown or revoked key. */
export async function authenticateApiKey(db: DbOrTx, authorization: string | null): Promise<ApiCaller | null> {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  if (!match) return null;
  const [key] = await db
    .select({ id: apiKeys.id, merchantId: apiKeys.merchantId, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(match[1]!)), isNull(apiKeys.revokedAt)));
  if (!key) return null;
  // Touch last-used at most once a minute, so busy keys do not write on every request.
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(eq(apiKeys.id, key.id));
  }
  return { merchantId: key.merchantId, keyId: key.id };
}

import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// Shops' access tokens at rest: AES-256-GCM with a key from the environment, a fresh 12-byte nonce
// per token, and the shop's domain as associated data, so a token copied onto another shop's row
// does not decrypt. Stored as `v1:<base64 nonce|tag|ciphertext>`; the version leaves room to rotate.

export class TokenBoxError extends Error {
  override name = "TokenBoxError";
}

function keyBytes(key: string): Buffer {
  const bytes = Buffer.from(key, "base64");
  if (bytes.length !== 32) throw new TokenBoxError("The token key must be 32 bytes in base64.");
  return bytes;
}

export function sealToken(key: string, token: string, context: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyBytes(key), nonce);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  return `v1:${Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
}

export function openToken(key: string, sealed: string, context: string): string {
  if (!sealed.startsWith("v1:")) throw new TokenBoxError("The stored token is in an unknown format.");
  const bytes = Buffer.from(sealed.slice(3), "base64");
  if (bytes.length < 29) throw new TokenBoxError("The stored token is truncated.");
  const decipher = createDecipheriv("aes-256-gcm", keyBytes(key), bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(bytes.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    throw new TokenBoxError("The stored token does not decrypt with this key (wrong key, or another shop's token).");
  }
}

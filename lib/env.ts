import { z } from "zod";
import { parseTrustedProxies, TrustedProxiesError } from "./http/trusted-proxies";

// One place that reads process.env. A missing or malformed variable stops start-up with one
// sentence that names it, instead of a stack trace deep inside a request.

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const booleanFlag = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");

const envSchema = z.object({
  NODE_ENV: optional(z.enum(["development", "production", "test"])),
  DATABASE_URL: optional(z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" })),
  PGLITE_DIR: optional(z.string()).default(".data/pglite"),
  DB_POOL_MAX: optional(z.coerce.number().int().min(1).max(200)).default(10),
  DATABASE_READ_URL: optional(
    z
      .string()
      .transform((value) => value.split(",").map((url) => url.trim()))
      .pipe(
        z.array(
          z.url({ protocol: /^postgres(ql)?$/, error: "must be postgres:// URLs, separated by commas" }),
          "must be postgres:// URLs, separated by commas",
        ),
      ),
  ),
  DB_READ_MAX_LAG_MS: optional(z.coerce.number().int().min(0).max(3_600_000)).default(2000),
  AUTH_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
  /** Where links and redirects point. Unset, a request's links follow the host it was sent to. */
  APP_URL: optional(z.url()),
  RESEND_API_KEY: optional(z.string().startsWith("re_", "must start with re_")),
  RESEND_BASE_URL: optional(z.url()),
  MAIL_TRANSPORT: optional(z.enum(["resend", "mailbox"])),
  MAIL_FROM: optional(z.string().min(3)).default("Backorder updates <updates@backorder.example>"),
  RUN_WORKER: optional(booleanFlag).default(true),
  // Readers of the dev mailbox outside the embedded demo present this (it shows sign-in links).
  MAILBOX_TOKEN: optional(z.string().min(24, "must be at least 24 characters (openssl rand -base64 24)")),
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((value, context) => {
      try {
        return parseTrustedProxies(value);
      } catch (error) {
        if (!(error instanceof TrustedProxiesError)) throw error;
        context.addIssue({ code: "custom", message: error.message });
        return z.NEVER;
      }
    }),
  // Webhook endpoints on loopback, private or link-local addresses: only for development and tests.
  WEBHOOKS_ALLOW_INTERNAL_ADDRESSES: optional(booleanFlag).default(false),
  // The Shopify app (install by OAuth): the names Shopify's own tooling uses.
  SHOPIFY_API_KEY: optional(z.string().min(8, "must be the app's client id")),
  SHOPIFY_API_SECRET: optional(z.string().min(16, "must be the app's client secret")),
  /** AES-256-GCM key for shops' access tokens at rest: 32 bytes, base64 (openssl rand -base64 32). */
  SHOPIFY_TOKEN_KEY: optional(
    z.string().refine((value) => Buffer.from(value, "base64").length === 32, "must be 32 bytes in base64"),
  ),
  /** Where `https://<shop>` requests go instead (a local stand-in); never set in production. */
  SHOPIFY_ADMIN_BASE_URL: optional(z.url()),
});

export type Env = Omit<z.infer<typeof envSchema>, "APP_URL"> & {
  /** APP_URL, or this machine on PORT for what no request asked for (the worker's emails). */
  APP_URL: string;
  /** Whether APP_URL was set: only then does it override the host a request was sent to. */
  appUrlConfigured: boolean;
  mailTransport: "resend" | "mailbox";
};

/** Every variable the schema reads (.env.example lists them all: lib/env.test.ts). */
export const envVariables = Object.keys(envSchema.shape);

export class EnvError extends Error {
  override name = "EnvError";
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnvError(`Environment variable ${issue.path.join(".")} ${issue.message}.`);
  }
  const env = parsed.data;
  if (env.DATABASE_READ_URL && !env.DATABASE_URL) {
    throw new EnvError(
      "DATABASE_READ_URL needs DATABASE_URL: read replicas copy a PostgreSQL primary, and the embedded PGlite database has none; unset DATABASE_READ_URL or set DATABASE_URL.",
    );
  }
  if (Boolean(env.SHOPIFY_API_KEY) !== Boolean(env.SHOPIFY_API_SECRET)) {
    throw new EnvError("SHOPIFY_API_KEY and SHOPIFY_API_SECRET go together; set both or neither.");
  }
  if (env.SHOPIFY_API_KEY && !env.SHOPIFY_TOKEN_KEY) {
    throw new EnvError(
      "SHOPIFY_TOKEN_KEY is missing: the Shopify app needs it to encrypt shops' access tokens (openssl rand -base64 32).",
    );
  }
  return {
    ...env,
    APP_URL: env.APP_URL ?? `http://localhost:${/^\d{1,5}$/.test(source.PORT ?? "") ? source.PORT : "3000"}`,
    appUrlConfigured: env.APP_URL !== undefined,
    mailTransport: chooseMailTransport(env),
  };
}

/**
 * The site's address for links and redirects made while answering a request: APP_URL when it is
 * set, else the origin the request was sent to (`requestOrigin`), so a shopper who opened
 * 127.0.0.1:3000 is not sent to localhost:3000 and its other cookies.
 */
export function siteOrigin(requestOrigin: string): string {
  const { APP_URL, appUrlConfigured } = env();
  return new URL(appUrlConfigured ? APP_URL : requestOrigin).origin;
}

/**
 * The dev mailbox shows sign-in links, so it must never be the transport of a real deployment
 * by accident: it is the default only on the embedded database.
 */
function chooseMailTransport(env: z.infer<typeof envSchema>): "resend" | "mailbox" {
  if (env.RESEND_API_KEY) {
    if (env.MAIL_TRANSPORT === "mailbox") {
      throw new EnvError("MAIL_TRANSPORT=mailbox cannot be combined with RESEND_API_KEY; unset one of them.");
    }
    // Real mail without APP_URL would put whatever Host a request claims into sign-in links: a
    // forged Host would mail a shopper a link to someone else's site, carrying their token.
    if (!env.APP_URL) {
      throw new EnvError(
        "RESEND_API_KEY (real email) needs APP_URL, the portal's public address: without it sign-in links would follow the Host header a request claims.",
      );
    }
    return "resend";
  }
  if (env.MAIL_TRANSPORT === "resend") {
    throw new EnvError("MAIL_TRANSPORT=resend needs RESEND_API_KEY to be set.");
  }
  if (env.DATABASE_URL && env.MAIL_TRANSPORT !== "mailbox") {
    throw new EnvError(
      "With DATABASE_URL set, email needs RESEND_API_KEY, or MAIL_TRANSPORT=mailbox to keep mail in the dev mailbox on purpose.",
    );
  }
  // On a server (PostgreSQL) the mailbox would let anyone read every sign-in link: it needs a secret.
  if (env.DATABASE_URL && !env.MAILBOX_TOKEN) {
    throw new EnvError(
      "MAIL_TRANSPORT=mailbox with DATABASE_URL needs MAILBOX_TOKEN (at least 24 characters), which readers of /dev/mailbox present; without it anyone could read sign-in links.",
    );
  }
  return "mailbox";
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Reads process.env again on the next env() call (testing/db.ts names each test file's database there). */
export function resetEnvCache() {
  cached = undefined;
}

/** The secret behind sessions, magic links and signed view links. */
export function authSecret(): string {
  const secret = env().AUTH_SECRET;
  if (!secret) {
    throw new EnvError(
      "Environment variable AUTH_SECRET is missing; `npm start` creates one in .data/, or set your own (openssl rand -base64 33).",
    );
  }
  return secret;
}

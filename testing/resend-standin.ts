import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in for Resend's email API, over real HTTP, for tests and benchmarks: POST /emails
// and POST /emails/batch with Resend's answers and error shapes, its Idempotency-Key behaviour (a
// repeated key with the same body gets the first answer and sends nothing; with another body, 409),
// and failures on demand (429 with retry-after, 500, 422). Point RESEND_BASE_URL (or the
// transport's baseUrl) at `url`.

/**
 * The environment for a child process (`npm run worker`, the app) that mails through a stand-in:
 * production mode with the Resend transport pointed at `resendUrl`, and no MAIL_TRANSPORT to
 * divert it to the dev mailbox.
 */
export function mailingThroughStandIn(options: {
  databaseUrl: string;
  resendKey: string;
  resendUrl: string;
  appUrl?: string;
}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    RESEND_API_KEY: options.resendKey,
    RESEND_BASE_URL: options.resendUrl,
    APP_URL: options.appUrl ?? "http://localhost:3000",
    NODE_ENV: "production",
  };
  delete env.MAIL_TRANSPORT;
  return env;
}

export type StandInFailure = { status: number; name?: string; message?: string; retryAfter?: string | number };

export type StandInEmail = {
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  reply_to?: string | string[];
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
};

export type RecordedRequest = {
  at: number;
  /** The API key the request came with (so a test can tell senders apart). */
  apiKey: string | null;
  path: string;
  idempotencyKey: string | null;
  emails: number;
  status: number;
  /** Answered from an earlier request with the same key: nothing was sent. */
  replay: boolean;
  /** The answer has been written (false while a response delay holds it back). */
  answered: boolean;
};

export type Delivery = { id: string; idempotencyKey: string | null; at: number; email: StandInEmail };

export type ResendStandIn = {
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  /** Every email accepted for delivery (replays excluded), in order. */
  deliveries: Delivery[];
  /** The next `count` requests fail with this answer (before any idempotency check). */
  failNext(count: number, failure: StandInFailure): void;
  /** Accepted requests wait this long before answering (so a test can kill a sender mid-request). */
  setResponseDelay(ms: number): void;
  /** Deliveries carrying a tag `notification_id`, counted per id. */
  deliveriesByTag(tag?: string): Map<string, number>;
  reset(): void;
  close(): Promise<void>;
};

const emailPattern = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function addressOf(value: string): string {
  return /<([^>]+)>/.exec(value)?.[1] ?? value.trim();
}

function validate(email: unknown, index: number | null): string | null {
  const where = index === null ? "" : `[${index}]`;
  if (!email || typeof email !== "object") return `Invalid email object${where}.`;
  const e = email as Partial<StandInEmail>;
  if (!e.from || !emailPattern.test(addressOf(e.from))) return `Invalid \`from\` field${where}.`;
  const to = Array.isArray(e.to) ? e.to : e.to ? [e.to] : [];
  if (to.length === 0 || to.length > 50 || to.some((t) => typeof t !== "string" || !emailPattern.test(addressOf(t))))
    return `Invalid \`to\` field${where}.`;
  if (!e.subject) return `Missing \`subject\` field${where}.`;
  if (!e.html && !e.text) return `Missing \`html\` or \`text\` field${where}.`;
  return null;
}

export async function startResendStandIn(
  options: { apiKey?: string; otherApiKeys?: string[]; keepBodies?: boolean } = {},
): Promise<ResendStandIn> {
  const apiKey = options.apiKey ?? "re_standin_key";
  const apiKeys = new Set([apiKey, ...(options.otherApiKeys ?? [])]);
  const keepBodies = options.keepBodies ?? true;
  const requests: RecordedRequest[] = [];
  const deliveries: Delivery[] = [];
  const failures: StandInFailure[] = [];
  const keys = new Map<string, { fingerprint: string; done: boolean; status: number; body: string }>();
  let delayMs = 0;

  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
    return text;
  };
  const error = (
    res: ServerResponse,
    status: number,
    name: string,
    message: string,
    headers: Record<string, string> = {},
  ) => answer(res, status, { statusCode: status, name, message }, headers);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const path = new URL(req.url ?? "/", "http://standin").pathname;
    const key = (req.headers["idempotency-key"] as string | undefined) ?? null;
    const given = (req.headers.authorization ?? "").replace(/^Bearer /, "") || null;
    let recorded: RecordedRequest | undefined;
    const record = (status: number, emails: number, replay = false) => {
      recorded = {
        at: Date.now(),
        apiKey: given,
        path,
        idempotencyKey: key,
        emails,
        status,
        replay,
        answered: status !== 200 || replay,
      };
      requests.push(recorded);
    };

    if (req.method !== "POST" || (path !== "/emails" && path !== "/emails/batch")) {
      record(404, 0);
      return error(res, 404, "not_found", "The requested endpoint does not exist.");
    }
    const auth = req.headers.authorization ?? "";
    if (!auth.startsWith("Bearer ")) {
      record(401, 0);
      return error(res, 401, "missing_api_key", "Missing API key in the authorization header.");
    }
    if (!apiKeys.has(auth.slice(7))) {
      record(403, 0);
      return error(res, 403, "invalid_api_key", "API key is invalid.");
    }
    const injected = failures.shift();
    if (injected) {
      record(injected.status, 0);
      const headers: Record<string, string> =
        injected.retryAfter !== undefined ? { "retry-after": String(injected.retryAfter) } : {};
      return error(
        res,
        injected.status,
        injected.name ?? (injected.status >= 500 ? "internal_server_error" : "validation_error"),
        injected.message ?? `Injected ${injected.status}.`,
        headers,
      );
    }

    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      record(400, 0);
      return error(res, 400, "validation_error", "The body is not valid JSON.");
    }
    const batch = path === "/emails/batch";
    const emails = (batch ? body : [body]) as unknown[];
    if (batch && (!Array.isArray(body) || body.length === 0 || body.length > 100)) {
      record(422, Array.isArray(body) ? body.length : 0);
      return error(res, 422, "validation_error", "A batch holds 1 to 100 emails.");
    }
    if (key !== null && (key.length === 0 || key.length > 256)) {
      record(400, emails.length);
      return error(res, 400, "invalid_idempotency_key", "The key must be between 1-256 chars.");
    }

    const fingerprint = createHash("sha256").update(path).update(raw).digest("hex");
    if (key !== null) {
      const seen = keys.get(key);
      if (seen && seen.fingerprint !== fingerprint) {
        record(409, emails.length);
        return error(
          res,
          409,
          "invalid_idempotent_request",
          "Same idempotency key used with a different request payload.",
        );
      }
      if (seen && !seen.done) {
        record(409, emails.length);
        return error(
          res,
          409,
          "concurrent_idempotent_requests",
          "Same idempotency key used while original request is still in progress.",
        );
      }
      if (seen) {
        record(seen.status, emails.length, true);
        res.writeHead(seen.status, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(seen.body),
        });
        res.end(seen.body);
        return;
      }
    }

    for (const [i, email] of emails.entries()) {
      const problem = validate(email, batch ? i : null);
      if (problem) {
        record(422, emails.length);
        return error(res, 422, "validation_error", problem);
      }
    }
    if (key !== null) keys.set(key, { fingerprint, done: false, status: 0, body: "" });
    const ids = emails.map(() => randomUUID());
    const at = Date.now();
    for (const [i, email] of (emails as StandInEmail[]).entries()) {
      const to = Array.isArray(email.to) ? email.to : [email.to as unknown as string];
      const kept: StandInEmail = keepBodies
        ? { ...email, to }
        : { from: email.from, to, subject: email.subject, tags: email.tags, headers: email.headers };
      deliveries.push({ id: ids[i]!, idempotencyKey: key, at, email: kept });
    }
    record(200, emails.length);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const text = answer(res, 200, batch ? { data: ids.map((id) => ({ id })) } : { id: ids[0] });
    recorded!.answered = true;
    if (key !== null) keys.set(key, { fingerprint, done: true, status: 200, body: text });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) error(res, 500, "application_error", e instanceof Error ? e.message : String(e));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    deliveries,
    failNext(count, failure) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    setResponseDelay(ms) {
      delayMs = ms;
    },
    deliveriesByTag(tag = "notification_id") {
      const counts = new Map<string, number>();
      for (const d of deliveries) {
        const value = d.email.tags?.find((t) => t.name === tag)?.value;
        if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      return counts;
    },
    reset() {
      requests.length = 0;
      deliveries.length = 0;
      failures.length = 0;
      keys.clear();
      delayMs = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

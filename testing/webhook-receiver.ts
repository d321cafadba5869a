import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A merchant's webhook endpoint, standing in over real HTTP for tests: it records every request
// (headers and the exact body bytes, for signature checks) and answers as told: a status (with
// Retry-After), or not at all (a receiver that hangs).

export type ReceiverAnswer = { status: number; retryAfter?: string | number; body?: string } | { hang: true };

export type ReceivedWebhook = {
  at: number;
  path: string;
  headers: Record<string, string>;
  body: string;
  answeredWith: number | "hang";
};

export type WebhookReceiver = {
  url: string;
  received: ReceivedWebhook[];
  /** The next requests get these answers, in order; after them, `fallback` (200 unless set). */
  answerNext(...answers: ReceiverAnswer[]): void;
  setFallback(answer: ReceiverAnswer): void;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const scripted: ReceiverAnswer[] = [];
  let fallback: ReceiverAnswer = { status: 200 };
  const hanging = new Set<ServerResponse>();
  const waiters = new Set<() => unknown>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const answer = scripted.shift() ?? fallback;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers[name] = value;
      received.push({
        at: Date.now(),
        path: req.url ?? "/",
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
        answeredWith: "hang" in answer ? "hang" : answer.status,
      });
      for (const wake of [...waiters]) wake();
      if ("hang" in answer) {
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status, {
        "content-type": "text/plain",
        ...(answer.retryAfter !== undefined ? { "retry-after": String(answer.retryAfter) } : {}),
      });
      res.end(answer.body ?? (answer.status < 300 ? "ok" : `status ${answer.status}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    answerNext(...answers) {
      scripted.push(...answers);
    },
    setFallback(answer) {
      fallback = answer;
    },
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return false;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(received.slice(0, count));
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Timed out waiting for ${count} webhook(s); got ${received.length}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

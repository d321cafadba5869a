// Serves the built app with several Node processes sharing one port (node:cluster): Next renders
// each request on one JavaScript thread, so one process uses one core. WEB_CONCURRENCY sets how
// many (default 1). Only with PostgreSQL: the embedded PGlite folder can be opened by one process.
//
// With PostgreSQL, each app process also watches its database (a `select 1` every second on one
// small connection of its own, and at once when that connection drops). While the database cannot
// be reached, requests are answered here with 503 and a sentence (JSON under /api/, a plain page
// elsewhere) instead of reaching Next, which would render a thrown database error as a 500. A 5xx
// that Next produces anyway (a request whose query was cut off as the database went down) is held
// back for one fresh check and replaced by the same 503 when the database is indeed down. Nothing
// here restarts anything: the app's own pool reconnects on its next query once the database is back.
//
// It also records each request's socket address for the app (lib/http/client-address.ts): rate
// limits and the dev mailbox go by it, never by a forwarded header alone. `--dev` serves `next dev`.
import cluster from "node:cluster";
import { existsSync, readdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import postgres from "postgres";
import { maxBodyBytes } from "../lib/http/limits";
import { socketAddressHeader, socketHeaderFlag } from "../lib/http/client-address";

// React and Next pick their production builds when first loaded.
(process.env as Record<string, string | undefined>).NODE_ENV ??= process.argv.includes("--dev")
  ? "development"
  : "production";

const port = Number(process.env.PORT ?? 3000);
const dev = process.argv.includes("--dev");
// The app believes the socket-address header only in a process where this server sets it.
process.env[socketHeaderFlag] = "1";
const processes = Math.max(1, Number(process.env.WEB_CONCURRENCY ?? 1));
const databaseUrl = process.env.DATABASE_URL || undefined;

if (processes > 1 && !databaseUrl) {
  console.error("WEB_CONCURRENCY above 1 needs DATABASE_URL: the embedded database can be opened by one process only.");
  process.exit(1);
}

if (cluster.isPrimary && processes > 1) {
  const started = new Map<number, number>();
  const fork = () => started.set(cluster.fork().id, Date.now());
  for (let i = 0; i < processes; i++) fork();
  cluster.on("exit", (worker, code, signal) => {
    if (signal === "SIGTERM" || signal === "SIGINT") return;
    // A process that dies while starting will die again: stop instead of restarting in a loop.
    if (Date.now() - (started.get(worker.id) ?? 0) < 15_000) {
      console.error(`An app process failed while starting (${signal ?? `exit ${code}`}); stopping.`);
      process.exit(1);
    }
    console.error(`App process ${worker.process.pid} exited (${signal ?? `exit ${code}`}); starting another.`);
    fork();
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(signal);
      process.exit(0);
    });
  }
} else {
  // The port is taken before Next prepares: preparing runs instrumentation.ts, which starts the
  // job worker, and a server that cannot listen must not leave a worker running behind it.
  // Requests that arrive meanwhile wait for the app instead of going unanswered.
  let resolvePrepared!: () => void;
  const prepared = new Promise<void>((resolve) => (resolvePrepared = resolve));
  let serve = (request: IncomingMessage, response: ServerResponse): void =>
    void prepared.then(() => serve(request, response));
  const server = createServer((request, response) => serve(request, response));
  await listen(server, port);
  const { default: next } = await import("next");
  const app = next({ dev, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const watch = databaseUrl ? watchDatabase(databaseUrl) : null;
  const staticFiles = publicFiles();

  serve = (request, response) => {
    // Who is really at the other end of the connection: the only address nobody can write for us.
    delete request.headers[socketAddressHeader];
    if (request.socket.remoteAddress) request.headers[socketAddressHeader] = request.socket.remoteAddress;
    if (refuseOversized(request, response)) return;
    if (!watch || isStatic(request.url ?? "/", staticFiles)) return void handle(request, response);
    if (watch.isDown()) return answerUnavailable(request, response);
    holdServerErrors(
      response,
      () => watch.confirmDown(),
      () => answerUnavailable(request, response),
    );
    void handle(request, response);
  };
  resolvePrepared();
  if (cluster.isPrimary || cluster.worker?.id === 1)
    console.log(`Ready on port ${port} with ${processes} process${processes === 1 ? "" : "es"}.`);
}

/**
 * A body declared larger than any route reads (the ingest API's 1 MB) is refused here, before Next
 * buffers a copy of it for proxy.ts: 413 with a sentence, and the connection closed unread. Each
 * route still counts what it reads against its own, smaller limit (lib/http/body.ts).
 */
function refuseOversized(request: IncomingMessage, response: ServerResponse): boolean {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (!(declared > maxBodyBytes)) return false;
  const message = `The request body is larger than ${maxBodyBytes / 1_000_000} MB, more than anything here reads; nothing was done.`;
  const api = (request.url ?? "").startsWith("/api/");
  response.writeHead(413, {
    "content-type": api ? "application/json" : "text/plain; charset=utf-8",
    connection: "close",
  });
  response.end(api ? JSON.stringify({ error: { code: "too_large", field: "(body)", message } }) : message, () =>
    request.socket.destroy(),
  );
  return true;
}

/** Listens, or exits non-zero with a sentence when the port cannot be had (taken, or not ours to use). */
function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const why =
        error.code === "EADDRINUSE"
          ? `port ${port} is already in use (another server, perhaps an earlier portal, is listening there): stop it or set PORT`
          : error.code === "EACCES"
            ? `port ${port} needs privileges this process does not have: set PORT to 1024 or above`
            : error.message;
      console.error(`Cannot start the portal: ${why}.`);
      process.exit(1);
    });
    server.listen(port, () => resolve());
  });
}

type DatabaseWatch = {
  /** The last check failed (and none has succeeded since). */
  isDown(): boolean;
  /** A check now (or the one in flight): true when the database cannot be reached, or came back moments ago. */
  confirmDown(): Promise<boolean>;
};

function watchDatabase(url: string): DatabaseWatch {
  let down = false;
  let downSince = 0;
  let upSince = 0;
  const settleMs = 15_000;
  let probing: Promise<boolean> | null = null;
  const client = postgres(url, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    connect_timeout: 3,
    backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 1),
    onnotice: () => {},
    connection: { application_name: "backorder-health" },
    // The server ended our connection (a restart, a failover): look again now, not in a second.
    onclose: () => {
      if (!down) void probe();
    },
  });
  const mark = (reachable: boolean, reason?: string) => {
    if (!reachable && !down) {
      down = true;
      downSince = Date.now();
      console.error(`The database cannot be reached (${reason ?? "no answer"}); answering 503 until it is back.`);
    } else if (reachable && down) {
      down = false;
      upSince = Date.now();
      console.error(`The database is reachable again after ${((Date.now() - downSince) / 1000).toFixed(1)} s.`);
    }
    return !reachable;
  };
  const probe = (): Promise<boolean> =>
    (probing ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("no answer within 2 s")), 2000);
        });
        await Promise.race([client`select 1`, timeout]);
        return mark(true);
      } catch (error) {
        return mark(false, error instanceof Error ? error.message : String(error));
      } finally {
        clearTimeout(timer);
        probing = null;
      }
    })());
  setInterval(() => void probe(), 1000).unref();
  void probe();
  // For a while after the database is back, the app's pool may still hand out a connection the
  // restart ended: a 5xx then is the outage's, and is answered as such.
  const settling = () => upSince > 0 && Date.now() - upSince < settleMs;
  return { isDown: () => down, confirmDown: () => (down || settling() ? Promise.resolve(true) : probe()) };
}

/** Files under public/ and Next's own assets need no database. */
function publicFiles(): Set<string> {
  const files = new Set<string>();
  const walk = (dir: string, prefix: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      else files.add(`${prefix}${entry.name}`);
    }
  };
  walk(path.resolve("public"), "/");
  return files;
}

function isStatic(url: string, files: Set<string>): boolean {
  const pathname = url.split("?")[0]!;
  return pathname.startsWith("/_next/static/") || files.has(pathname);
}

const apiUnavailable = JSON.stringify({
  error: {
    code: "unavailable",
    message:
      "The database cannot be reached for a moment, so nothing was done. Retry in a few seconds with the same Idempotency-Key: a request that did go through is answered with its first result.",
  },
});

const pageUnavailable = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Back in a moment</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1f2937}</style></head>
<body><main><h1>Back in a moment</h1>
<p>The portal cannot reach its order records right now. Please try again in a minute: your orders, and anything you already confirmed, are safe.</p>
</main></body></html>`;

function answerUnavailable(request: IncomingMessage, response: ServerResponse) {
  const api = (request.url ?? "").startsWith("/api/");
  const body = api ? apiUnavailable : pageUnavailable;
  response.writeHead(503, {
    "content-type": api ? "application/json" : "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "retry-after": "5",
    "cache-control": "no-store",
  });
  response.end(body);
}

/**
 * Holds back a 5xx (other than 503) from Next until `confirmDown` answers: when the database is
 * down, the response is replaced by `replace`; otherwise what Next wrote is sent as it was. Any
 * other status passes straight through, and the wrappers remove themselves at the first write.
 */
function holdServerErrors(response: ServerResponse, confirmDown: () => Promise<boolean>, replace: () => void) {
  const original = {
    writeHead: response.writeHead,
    write: response.write,
    end: response.end,
    flushHeaders: response.flushHeaders,
  };
  const held: (() => void)[] = [];
  let holding = false;
  let decided = false;
  const wrappers: Record<string, unknown> = {};
  // Puts the real methods back where ours still are. A layer Next adds on top of ours (its gzip
  // compression wraps write and end) keeps its place and reaches the real methods through ours,
  // which pass straight through from now on: overwriting it cut streamed pages off before their end.
  const restore = () => {
    decided = true;
    for (const name of Object.keys(original) as (keyof typeof original)[]) {
      if (response[name] === wrappers[name]) Object.assign(response, { [name]: original[name] });
    }
  };
  const isServerError = (status: number) => status >= 500 && status !== 503;
  const hold = (call: () => void) => {
    held.push(call);
    if (holding) return;
    holding = true;
    void confirmDown()
      .catch(() => false)
      .then((down) => {
        restore();
        if (down && !response.headersSent && !response.destroyed) {
          // Next's answer is dropped whole: the sentence goes out past any layer of Next's.
          Object.assign(response, original);
          for (const name of response.getHeaderNames()) response.removeHeader(name);
          replace();
        } else if (!response.destroyed) {
          for (const call of held) {
            try {
              call();
            } catch (error) {
              // A call Next made while we held its answer (a second writeHead, say) throws only now;
              // the calls after it (the end) must still go out, or the request hangs for good.
              if ((error as NodeJS.ErrnoException).code !== "ERR_HTTP_HEADERS_SENT") {
                console.error("Could not send a held response:", error);
                response.destroy();
                return;
              }
            }
          }
        }
      });
  };
  // Decides at the first call that would send headers: an error status is held, anything else
  // restores the real methods and goes through.
  const wrap = <A extends unknown[], R>(fn: (...args: A) => R, status: (args: A) => number, heldResult: () => R) =>
    function (this: ServerResponse, ...args: A): R {
      if (decided) return fn.apply(response, args);
      if (holding || (!response.headersSent && isServerError(status(args)))) {
        hold(() => fn.apply(response, args));
        return heldResult();
      }
      restore();
      return fn.apply(response, args);
    };
  response.writeHead = wrap(
    original.writeHead,
    (args) => Number(args[0]),
    () => response,
  ) as typeof response.writeHead;
  response.write = wrap(
    original.write,
    () => response.statusCode,
    () => true,
  ) as typeof response.write;
  response.end = wrap(
    original.end,
    () => response.statusCode,
    () => response,
  ) as typeof response.end;
  response.flushHeaders = wrap(
    original.flushHeaders,
    () => response.statusCode,
    () => undefined,
  ) as typeof response.flushHeaders;
  for (const name of Object.keys(original) as (keyof typeof original)[]) wrappers[name] = response[name];
}

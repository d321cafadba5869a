import { readdirSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { socketAddressHeader, socketHeaderFlag } from "../lib/http/client-address";

// A real HTTP server for tests that dispatches to App Router route handlers (plain
// Request → Response functions), so API tests go over the wire without a Next build. Like
// scripts/serve.ts, it tells the app each request's socket address.

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;
export type Route = { method: string; path: string; handler: Handler };

function match(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = pathname.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    if (part.startsWith(":")) params[part.slice(1)] = got[i]!;
    else if (part !== got[i]) return null;
  }
  return params;
}

function toRequest(req: IncomingMessage, base: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === socketAddressHeader) continue;
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  if (req.socket.remoteAddress) headers.set(socketAddressHeader, req.socket.remoteAddress);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url!, base), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // @ts-expect-error Node's fetch needs this for a streamed body.
    duplex: "half",
  });
}

export async function serveRoutes(routes: Route[]): Promise<{ url: string; close: () => Promise<void> }> {
  process.env[socketHeaderFlag] = "1";
  const server = createServer(async (req, res) => {
    const base = `http://${req.headers.host}`;
    const { pathname } = new URL(req.url!, base);
    for (const route of routes) {
      const params = route.method === req.method ? match(route.path, pathname) : null;
      if (!params) continue;
      let response: Response;
      try {
        response = await route.handler(toRequest(req, base), { params: Promise.resolve(params) });
      } catch (error) {
        // What Next does with a handler that throws: log it and answer 500 (tests see both).
        console.error(`${req.method} ${pathname} threw`, error);
        response = new Response("Internal Server Error", { status: 500 });
      }
      // A handler may answer before reading the whole body (413): never reuse such a connection.
      res.writeHead(response.status, { ...Object.fromEntries(response.headers), connection: "close" });
      res.end(Buffer.from(await response.arrayBuffer()));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * Every route handler in these folders of app/ (say "api/v1", "lookup"), at the address Next gives
 * it (`[param]` folders are `:param`), static paths first. Tests serve the app's own routing table
 * instead of copying it.
 */
export async function appRoutes(...folders: string[]): Promise<Route[]> {
  const app = fileURLToPath(new URL("../app/", import.meta.url));
  const routes: Route[] = [];
  for (const folder of folders) {
    const files = readdirSync(path.join(app, folder), { recursive: true, encoding: "utf8" });
    for (const file of files.filter((name) => path.basename(name) === "route.ts").sort()) {
      const routeModule = (await import(path.join(app, folder, file))) as Partial<Record<string, Handler>>;
      const segments = path.dirname(path.join(folder, file)).split(path.sep);
      const address = "/" + segments.map((segment) => segment.replace(/^\[(\w+)\]$/, ":$1")).join("/");
      for (const method of methods) {
        const handler = routeModule[method];
        if (typeof handler === "function") routes.push({ method, path: address, handler });
      }
    }
  }
  const params = (route: Route) => route.path.split("/:").length;
  return routes.sort((a, b) => params(a) - params(b));
}

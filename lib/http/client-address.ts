import ipaddr from "ipaddr.js";
import { env } from "../env";
import type { TrustedProxies } from "./trusted-proxies";

// Who is asking, for rate limits and the dev mailbox. X-Forwarded-For is written by whoever sends
// the request, so its left-most entry is whatever an attacker wants it to be. The address we can
// believe is the TCP peer's; the production server (scripts/serve.ts) puts it in a header of its
// own after dropping any copy that came in from outside. Forwarded entries are believed only for
// hops the deployment says are its own proxies (TRUSTED_PROXIES), read from the right.

/** Set by scripts/serve.ts on every request; anything a client sent under this name is dropped first. */
export const socketAddressHeader = "x-backorder-socket-address";

/** scripts/serve.ts sets this in its own process, so under a bare `next start` the header above is not believed. */
export const socketHeaderFlag = "BACKORDER_SOCKET_HEADER";

function parse(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const trimmed = text.trim();
  // Some proxies send "[::1]:1234" or "1.2.3.4:5678"; the port says nothing about the client.
  const bare = /^\[(.+)\](?::\d+)?$/.exec(trimmed)?.[1] ?? /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(trimmed)?.[1] ?? trimmed;
  // process() turns ::ffff:1.2.3.4 (how Node reports IPv4 peers on a dual-stack socket) into 1.2.3.4.
  return ipaddr.isValid(bare) ? ipaddr.process(bare) : null;
}

function isTrusted(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: TrustedProxies & { kind: "ranges" }): boolean {
  return ranges.ranges.some((range) => address.kind() === range[0].kind() && address.match(range));
}

/**
 * The client's address: the socket peer, or with trusted proxies the right-most forwarded hop
 * that is not one of them. Null when the socket address is unknown (not served by scripts/serve.ts).
 */
export function resolveClientAddress(
  socketAddress: string | null,
  forwardedFor: string | null,
  trusted: TrustedProxies,
): string | null {
  const socket = socketAddress ? parse(socketAddress) : null;
  if (!socket) return null;
  if (trusted.kind === "none") return socket.toString();
  // Nearest first: the socket peer, then each X-Forwarded-For entry from the right.
  const hops = [socket, ...(forwardedFor ?? "").split(",").reverse().map(parse)];
  if (trusted.kind === "hops") {
    for (let i = 0; i < hops.length; i++) {
      const hop = hops[i];
      // An entry a trusted proxy would never write (not an address) ends the chain at the proxy that passed it on.
      if (!hop) return hops[i - 1]!.toString();
      if (i === trusted.count) return hop.toString();
    }
    return hops.at(-1)!.toString();
  }
  let last = socket;
  for (const hop of hops) {
    if (!hop) return last.toString();
    if (!isTrusted(hop, trusted)) return hop.toString();
    last = hop;
  }
  return last.toString();
}

/** True for 127.0.0.0/8 and ::1 (and ::ffff:127.x). */
export function isLoopback(address: string | null): boolean {
  const parsed = address ? parse(address) : null;
  return parsed?.range() === "loopback";
}

/** The TCP peer's address as scripts/serve.ts recorded it, or null when the app is served some other way. */
export function socketAddress(headers: Headers): string | null {
  if (process.env[socketHeaderFlag] !== "1") return null;
  return headers.get(socketAddressHeader);
}

/** The client's address for this request (see resolveClientAddress), or "unknown". */
export function clientAddress(headers: Headers): string {
  return (
    resolveClientAddress(socketAddress(headers), headers.get("x-forwarded-for"), env().TRUSTED_PROXIES) ?? "unknown"
  );
}

/**
 * The key a rate limit counts an address under: IPv6 clients get a whole /64 from their provider
 * and could rotate through it, so they are counted by /64.
 */
export function addressKey(address: string): string {
  const parsed = parse(address);
  if (!parsed) return address;
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(":")}::/64`;
}

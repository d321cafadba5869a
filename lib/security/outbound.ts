import { lookup as dnsLookup } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { Readable } from "node:stream";
import ipaddr from "ipaddr.js";

// Webhook endpoints are addresses merchants type in, and we POST to them from inside our network.
// An address on loopback, a private or link-local range (169.254.169.254 is the cloud metadata
// service) or any other special range would let a merchant make us call our own services. So an
// endpoint is refused when it is registered, and again when each delivery connects: the check
// runs on the addresses DNS gives at that moment, inside the connection's own lookup, so a name
// that resolved to a public address at registration and to 10.0.0.5 now (DNS rebinding) is refused.
// Development and tests opt in to internal addresses (WEBHOOKS_ALLOW_INTERNAL_ADDRESSES=true).

/** Only ordinary public unicast addresses: every special range ipaddr.js knows is refused. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

const internalNames = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

export class InternalAddressError extends Error {
  override name = "InternalAddressError";
}

function refusal(host: string, address?: string): InternalAddressError {
  return new InternalAddressError(
    address
      ? `${host} resolves to ${address}, an internal address (loopback, private, link-local or reserved); webhooks are only sent to public addresses`
      : `${host} is an internal name; webhooks are only sent to public addresses`,
  );
}

/** Resolves the URL's host (all of its addresses) and throws InternalAddressError when any is internal. */
export async function assertPublicUrl(url: string): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(host)) {
    if (!isPublicAddress(host)) throw refusal(host, host);
    return;
  }
  if (internalNames.test(host)) throw refusal(host);
  const addresses = await new Promise<{ address: string }[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
  );
  const internal = addresses.find((a) => !isPublicAddress(a.address));
  if (internal) throw refusal(host, internal.address);
}

/** A DNS lookup for sockets that fails when the name resolves to any internal address. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 0);
    const internal = addresses.find((a) => !isPublicAddress(a.address));
    if (internal) return callback(refusal(hostname, internal.address), "", 0);
    if (options.all) return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/**
 * fetch for a POST to a merchant's endpoint that connects only to public addresses, checked at
 * connect time. Redirects are never followed (like `redirect: "manual"`).
 */
export async function publicOnlyFetch(
  url: string,
  init: { method: string; body: string; headers: Record<string, string>; signal?: AbortSignal },
): Promise<Response> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, "");
  // An address literal is never looked up, so it is checked here.
  if (ipaddr.isValid(host) && !isPublicAddress(host))
    throw new TypeError("fetch failed", { cause: refusal(host, host) });
  if (internalNames.test(host)) throw new TypeError("fetch failed", { cause: refusal(host) });
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = send(
      target,
      { method: init.method, headers: init.headers, signal: init.signal, lookup: publicOnlyLookup },
      resolve,
    );
    // Shaped like fetch's failures, so the delivery log reads the same ("Could not connect: …").
    request.on("error", (error) => reject(new TypeError("fetch failed", { cause: error })));
    request.end(init.body);
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const status = response.statusCode ?? 502;
  const noBody = status === 204 || status === 205 || status === 304;
  if (noBody) response.resume();
  return new Response(noBody ? null : (Readable.toWeb(response) as ReadableStream), { status, headers });
}

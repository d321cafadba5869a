import ipaddr from "ipaddr.js";

// TRUSTED_PROXIES, parsed once at start-up by lib/env.ts (a typo there stops start-up with a sentence).

export type TrustedProxies =
  | { kind: "none" }
  | { kind: "hops"; count: number }
  | { kind: "ranges"; ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] };

export class TrustedProxiesError extends Error {}

/**
 * TRUSTED_PROXIES: empty (trust no forwarded header), a number of proxy hops in front of the app
 * (`1` for one load balancer), or a comma-separated list of addresses and CIDR ranges of the
 * proxies (`10.0.0.0/8, 127.0.0.1`; `loopback` and `private` name those ranges).
 */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const text = (value ?? "").trim();
  if (text === "" || text === "0") return { kind: "none" };
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count > 10) throw new TrustedProxiesError("must be a number of proxy hops from 0 to 10, or a list of CIDRs");
    return { kind: "hops", count };
  }
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    if (part === "loopback") ranges.push(ipaddr.parseCIDR("127.0.0.0/8"), ipaddr.parseCIDR("::1/128"));
    else if (part === "private")
      ranges.push(
        ipaddr.parseCIDR("10.0.0.0/8"),
        ipaddr.parseCIDR("172.16.0.0/12"),
        ipaddr.parseCIDR("192.168.0.0/16"),
        ipaddr.parseCIDR("fc00::/7"),
      );
    else if (part.includes("/") && ipaddr.isValidCIDR(part)) ranges.push(ipaddr.parseCIDR(part));
    else if (ipaddr.isValid(part)) {
      const address = ipaddr.process(part);
      ranges.push([address, address.kind() === "ipv4" ? 32 : 128]);
    } else
      throw new TrustedProxiesError(`has "${part}", which is neither an address nor a CIDR range (like 10.0.0.0/8)`);
  }
  return { kind: "ranges", ranges };
}

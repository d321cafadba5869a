import { describe, expect, it } from "vitest";
import { parseEnv } from "../env";
import { addressKey, isLoopback, resolveClientAddress } from "./client-address";
import { parseTrustedProxies } from "./trusted-proxies";

const none = parseTrustedProxies(undefined);

describe("the client's address", () => {
  it("is the socket's without TRUSTED_PROXIES, whatever X-Forwarded-For says", () => {
    expect(resolveClientAddress("203.0.113.9", "1.2.3.4", none)).toBe("203.0.113.9");
    expect(resolveClientAddress("::ffff:203.0.113.9", "1.2.3.4, 5.6.7.8", none)).toBe("203.0.113.9");
    expect(resolveClientAddress(null, "1.2.3.4", none)).toBeNull();
  });

  it("with a hop count, is the right-most hop the trusted proxies did not write", () => {
    const one = parseTrustedProxies("1");
    // The client wrote "6.6.6.6" itself; our load balancer appended the address it saw.
    expect(resolveClientAddress("10.0.0.2", "6.6.6.6, 198.51.100.7", one)).toBe("198.51.100.7");
    expect(resolveClientAddress("10.0.0.2", null, one)).toBe("10.0.0.2");
    const two = parseTrustedProxies("2");
    expect(resolveClientAddress("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9", two)).toBe("198.51.100.7");
    expect(resolveClientAddress("10.0.0.2", "garbage, 10.0.0.9", two)).toBe("10.0.0.9");
  });

  it("with CIDRs, skips the trusted proxies from the right and stops at the first other address", () => {
    const ranges = parseTrustedProxies("10.0.0.0/8, 192.168.1.1, loopback");
    expect(resolveClientAddress("10.1.2.3", "6.6.6.6, 198.51.100.7, 192.168.1.1", ranges)).toBe("198.51.100.7");
    // A stranger connecting directly cannot pick their address by writing the header.
    expect(resolveClientAddress("198.51.100.7", "10.0.0.1", ranges)).toBe("198.51.100.7");
    expect(resolveClientAddress("127.0.0.1", "[2001:db8::1]:443", ranges)).toBe("2001:db8::1");
    expect(resolveClientAddress("127.0.0.1", "1.2.3.4:5678", ranges)).toBe("1.2.3.4");
    expect(resolveClientAddress("127.0.0.1", "", ranges)).toBe("127.0.0.1");
  });

  it("counts IPv6 clients by /64 and knows loopback", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2:bbbb::9")).toBe("2001:db8:1:2::/64");
    expect(addressKey("198.51.100.7")).toBe("198.51.100.7");
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("::ffff:127.0.0.1")).toBe(true);
    expect(isLoopback("192.0.2.2")).toBe(false);
    expect(isLoopback(null)).toBe(false);
  });

  it("refuses a TRUSTED_PROXIES it cannot read at start-up, with a sentence", () => {
    expect(() => parseEnv({ TRUSTED_PROXIES: "10.0.0.0/33" })).toThrow(
      /TRUSTED_PROXIES has "10.0.0.0\/33", which is neither an address nor a CIDR range/,
    );
    expect(() => parseEnv({ TRUSTED_PROXIES: "99" })).toThrow(/TRUSTED_PROXIES must be a number of proxy hops/);
    expect(parseEnv({ TRUSTED_PROXIES: "private" }).TRUSTED_PROXIES.kind).toBe("ranges");
  });
});

describe("the dev mailbox at start-up", () => {
  it("is refused on PostgreSQL without MAILBOX_TOKEN", () => {
    const server = { DATABASE_URL: "postgres://db.internal/portal", MAIL_TRANSPORT: "mailbox" };
    expect(() => parseEnv(server)).toThrow(/MAIL_TRANSPORT=mailbox with DATABASE_URL needs MAILBOX_TOKEN/);
    expect(() => parseEnv({ ...server, MAILBOX_TOKEN: "short" })).toThrow(/MAILBOX_TOKEN must be at least 24/);
    expect(parseEnv({ ...server, MAILBOX_TOKEN: "a-long-enough-mailbox-token-1234" }).mailTransport).toBe("mailbox");
  });
});

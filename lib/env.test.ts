import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envVariables, parseEnv } from "./env";

describe("configuration", () => {
  it(".env.example lists every variable the portal reads", () => {
    const listed = new Set(
      readFileSync(new URL("../.env.example", import.meta.url), "utf8")
        .split("\n")
        .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
        .filter((name) => name !== undefined),
    );
    // NODE_ENV is set by Next and npm scripts, never by hand.
    expect(envVariables.filter((name) => name !== "NODE_ENV" && !listed.has(name))).toEqual([]);
  });

  it("refuses the dev mailbox on PostgreSQL without MAILBOX_TOKEN, in one sentence naming it", () => {
    const postgres = { DATABASE_URL: "postgres://u@h:5432/db", MAIL_TRANSPORT: "mailbox" };
    expect(() => parseEnv(postgres)).toThrow(/needs MAILBOX_TOKEN/);
    expect(parseEnv({ ...postgres, MAILBOX_TOKEN: "x".repeat(24) }).mailTransport).toBe("mailbox");
    expect(() => parseEnv({ TRUSTED_PROXIES: "10.0.0.0/99" })).toThrow(/^Environment variable TRUSTED_PROXIES /);
  });

  it("refuses real email without APP_URL, so no sign-in link follows a forged Host", () => {
    const real = { DATABASE_URL: "postgres://u@h:5432/db", RESEND_API_KEY: "re_live_key" };
    expect(() => parseEnv(real)).toThrow(/RESEND_API_KEY \(real email\) needs APP_URL/);
    const configured = parseEnv({ ...real, APP_URL: "https://orders.example.com" });
    expect(configured).toMatchObject({ mailTransport: "resend", appUrlConfigured: true });
  });
});

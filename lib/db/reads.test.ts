import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../testing/db";
import { parseEnv } from "../env";
import {
  commitPosition,
  isReplicaFault,
  lagOf,
  parseLsn,
  readAfterPosition,
  readAfterToken,
  reads,
  readsForCookieHeader,
} from "./reads";

describe("DATABASE_READ_URL", () => {
  it("is refused with a sentence on the embedded database", () => {
    expect(() => parseEnv({ DATABASE_READ_URL: "postgres://replica:5432/app", MAIL_TRANSPORT: "mailbox" })).toThrow(
      "DATABASE_READ_URL needs DATABASE_URL: read replicas copy a PostgreSQL primary, and the embedded PGlite database has none; unset DATABASE_READ_URL or set DATABASE_URL.",
    );
  });

  it("takes one or more postgres URLs, separated by commas", () => {
    const env = parseEnv({
      DATABASE_URL: "postgres://primary/app",
      DATABASE_READ_URL: "postgres://r1:5433/app, postgresql://r2/app",
      MAIL_TRANSPORT: "mailbox",
      MAILBOX_TOKEN: "reads-test-mailbox-token-0123456789",
    });
    expect(env.DATABASE_READ_URL).toEqual(["postgres://r1:5433/app", "postgresql://r2/app"]);
    expect(env.DB_READ_MAX_LAG_MS).toBe(2000);
  });

  it("names the variable when one of them is not a postgres URL", () => {
    expect(() =>
      parseEnv({
        DATABASE_URL: "postgres://primary/app",
        DATABASE_READ_URL: "postgres://r1/app,mysql://r2/app",
        MAIL_TRANSPORT: "mailbox",
      }),
    ).toThrow("Environment variable DATABASE_READ_URL.1 must be postgres:// URLs, separated by commas.");
  });

  it("is unset by default: no replicas", () => {
    expect(parseEnv({ MAIL_TRANSPORT: "mailbox" }).DATABASE_READ_URL).toBeUndefined();
  });
});

describe("WAL positions", () => {
  it("compare as numbers, high word first", () => {
    expect(parseLsn("0/16B3748")).toBe(0x16b3748n);
    expect(parseLsn("1/0") > parseLsn("0/FFFFFFFF")).toBe(true);
    expect(() => parseLsn("0/16B3748; drop table orders")).toThrow("Not a WAL position");
  });

  it("turn into a lag: the age of the newest primary sample the replica has passed", () => {
    const samples = [
      { at: 1000, lsn: 100n },
      { at: 2000, lsn: 200n },
      { at: 3000, lsn: 300n },
    ];
    expect(lagOf(samples, 300n, 3010)).toBe(10);
    expect(lagOf(samples, 250n, 3010)).toBe(1010);
    expect(lagOf(samples, 99n, 3010)).toBe(Infinity);
  });
});

describe("the read-after cookie", () => {
  it("carries a commit position until it expires", () => {
    const token = readAfterToken("0/3000060", 1_000_000);
    expect(readAfterPosition(token, 1_000_000)).toBe("0/3000060");
    expect(readAfterPosition(token, 1_000_000 + 7_001)).toBeNull();
  });

  it("is refused when altered or missing", () => {
    const token = readAfterToken("0/3000060");
    expect(readAfterPosition(token.replace(/^./, (c) => (c === "e" ? "f" : "e")))).toBeNull();
    expect(readAfterPosition(undefined)).toBeNull();
    expect(readAfterPosition("0/3000060")).toBeNull();
  });
});

describe("replica faults", () => {
  it("are connection and recovery-conflict errors, not a query's own mistakes", () => {
    for (const code of ["CONNECTION_CLOSED", "CONNECT_TIMEOUT", "ECONNREFUSED", "57P01", "08006", "40001"])
      expect(isReplicaFault({ code })).toBe(true);
    for (const code of ["42P01", "23505", undefined]) expect(isReplicaFault({ code })).toBe(false);
    expect(isReplicaFault(new Error("Failed query", { cause: { code: "ECONNREFUSED" } }))).toBe(true);
  });
});

describe("without DATABASE_READ_URL", () => {
  it("reads everything on the primary, as before, and leaves no read-after cookie to carry", async () => {
    const database = await freshDatabase();
    try {
      expect(database.replicas).toEqual([]);
      const one = async (db: Parameters<Parameters<ReturnType<typeof reads>>[0]>[0]) => db;
      expect(await reads(null, database)(one)).toBe(database.db);
      expect(await readsForCookieHeader(`read_after=${readAfterToken("0/3000060")}`, database)(one)).toBe(database.db);
      expect(await commitPosition(database)).toBeNull();
    } finally {
      await database.close();
    }
  });
});

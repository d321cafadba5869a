import { afterAll, beforeAll, beforeEach } from "vitest";
import { resendTransport } from "../lib/email/transports";
import { drainOutbox } from "../lib/notifications/dispatch";
import { useFreshDatabase, type TestDatabase } from "./db";
import { startResendStandIn, type ResendStandIn } from "./resend-standin";

// One test file's mail rig: a fresh database, a stand-in for Resend's API over real HTTP (emptied
// before each test), and the outbox drained through it with a controlled clock and no jitter.
// Call it at the top of the file; the file's own beforeAll hooks run after it and may use `db`.

export const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);

export function mailRig() {
  let database: TestDatabase | undefined;
  let standIn: ResendStandIn | undefined;
  let transport: ReturnType<typeof resendTransport>;
  beforeAll(async () => {
    database = await useFreshDatabase();
    standIn = await startResendStandIn();
    transport = resendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url });
  });
  afterAll(async () => {
    await standIn?.close();
    await database?.close();
  });
  beforeEach(() => standIn?.reset());

  const rig = {
    get db() {
      return database!.db;
    },
    get standIn() {
      return standIn!;
    },
    /** Sends what is due at `now`, as the worker would. */
    drain: (now: Date) => drainOutbox(rig.db, { transport, now, random: () => 0 }),
    deliveriesTo: (email: string) => rig.standIn.deliveries.filter((d) => d.email.to.includes(email)),
    mailTo: (email: string) => rig.deliveriesTo(email).map((d) => d.email),
    subjectsTo: (email: string) => rig.mailTo(email).map((email) => email.subject),
  };
  return rig;
}

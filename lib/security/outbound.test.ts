import { lookup } from "node:dns/promises";
import { hostname } from "node:os";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { fileDatabase } from "../../testing/db";
import { createMerchant } from "../../testing/fixtures";
import { fileWebhookReceiver } from "../../testing/file-receiver";
import { systemActor } from "../audit/actor";
import { webhookDeliveries, webhookEndpoints } from "../db/schema/integrations";
import { resetEnvCache } from "../env";
import { deliverDueWebhooks } from "../integrations/webhooks/deliver";
import { saveWebhookEndpoint } from "../integrations/settings";
import { isPublicAddress } from "./outbound";

const database = fileDatabase();
const receiver = fileWebhookReceiver();
afterAll(() => {
  process.env.WEBHOOKS_ALLOW_INTERNAL_ADDRESSES = "true";
  resetEnvCache();
});

describe("webhook endpoints on internal addresses", () => {
  it("knows the internal ranges", () => {
    for (const internal of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fe80::1",
      "fd00::1",
      "::ffff:10.0.0.1",
      "::ffff:169.254.169.254",
      "64:ff9b::a00:1",
    ])
      expect(isPublicAddress(internal), internal).toBe(false);
    for (const open of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
      expect(isPublicAddress(open), open).toBe(true);
  });

  it("are refused at registration, by address and by name, unless internal addresses are allowed", async () => {
    const merchant = await createMerchant(database.db);
    const save = (url: string, allowInternalAddresses = false) =>
      saveWebhookEndpoint(database.db, {
        merchantId: merchant.id,
        url,
        actor: systemActor("test"),
        now: new Date(),
        allowInternalAddresses,
      });
    for (const url of [
      "https://169.254.169.254/latest/meta-data",
      "https://10.0.0.5/hooks",
      "https://[::1]/hooks",
      "https://[::ffff:127.0.0.1]/hooks",
      "http://localhost:8080/hooks",
      "https://metadata.google.internal/computeMetadata",
      `https://${hostname()}/hooks`,
    ])
      await expect(save(url), url).rejects.toThrow(/The endpoint URL is refused: .*(internal|resolve)/);
    expect(
      await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.merchantId, merchant.id)),
    ).toEqual([]);
    // Development and tests (the local receiver) opt in explicitly.
    await expect(save(receiver.url, true)).resolves.toMatchObject({ secret: expect.stringMatching(/^whsec_/) });
  });

  it("are refused again at delivery, after DNS: a name that now resolves to loopback is never called", async () => {
    const name = hostname();
    const resolved = await lookup(name);
    expect(isPublicAddress(resolved.address), `${name} resolves to ${resolved.address}`).toBe(false);
    const merchant = await createMerchant(database.db);
    // Registered while internal addresses were allowed (or while the name still resolved elsewhere).
    const endpoint = await saveWebhookEndpoint(database.db, {
      merchantId: merchant.id,
      url: receiver.url.replace("http://127.0.0.1", `https://${name}`),
      actor: systemActor("test"),
      now: new Date(),
      allowInternalAddresses: true,
    });
    await database.db.insert(webhookDeliveries).values({
      id: "msg_internal",
      merchantId: merchant.id,
      endpointId: endpoint.endpointId,
      eventType: "order_line.cancelled",
      payload: { type: "order_line.cancelled", timestamp: new Date().toISOString(), data: {} },
    });
    process.env.WEBHOOKS_ALLOW_INTERNAL_ADDRESSES = "false";
    resetEnvCache();
    const before = receiver.received.length;
    const run = await deliverDueWebhooks(database.db, { random: () => 0.5 });
    expect(run).toMatchObject({ claimed: 1, retrying: 1, delivered: 0 });
    expect(receiver.received.length).toBe(before);
    const [delivery] = await database.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.id, "msg_internal"));
    expect(delivery!.lastError).toMatch(
      new RegExp(`Could not connect: .*${name} resolves to 127\\.0\\.0\\.1, an internal address`),
    );
  });
});

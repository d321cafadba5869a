import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows } from "@/lib/db/client";
import { adminSaveNotificationSettings } from "@/lib/integrations/console";
import { getNotificationSettings } from "@/lib/notifications/settings";
import { changeExpectedDate } from "@/lib/supply/purchase-orders";
import { addAgent, agentScope, type AgentScope } from "@/lib/support/access";
import { apiActor, createMerchant, createPo, createSku, day, placeOrder } from "@/testing/fixtures";
import { mailRig, minutes } from "@/testing/mail-harness";
import { parseNotificationSettings } from "./inputs";

// Notification settings changed in the support console: the form as the browser posts it, parsed
// (inputs.ts), saved by an admin (lib/integrations/console.ts), audited, and in effect from the
// next gathering. Agents who are not admins cannot change them.

const rig = mailRig();
const { drain } = rig;
let shop: { id: string; slug: string };
let admin: AgentScope;
let agent: AgentScope;

beforeAll(async () => {
  shop = await createMerchant(rig.db, { slug: "console-settings", timezone: "Europe/London", gatherMinutes: 30 });
  await createSku(rig.db, shop.id, { code: "BOOT" });
  await createPo(rig.db, shop.id, "PO-1", "2026-12-01", [{ sku: "BOOT", quantity: 50 }], day(0));
  await addAgent(rig.db, { email: "boss@3pl.example", all: true });
  await addAgent(rig.db, { email: "jo@shop.example", merchantSlug: "console-settings" });
  admin = (await agentScope(rig.db, "boss@3pl.example"))!;
  agent = (await agentScope(rig.db, "jo@shop.example"))!;
});

function form(fields: Record<string, string | string[]>) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) data.append(name, v);
  return data;
}

const filled = {
  slug: "console-settings",
  gatherMinutes: "10",
  etaLaterThresholdDays: "2",
  etaEarlierThresholdDays: "2",
  emailsOn: ["backordered", "eta_moved", "eta_confirmed", "shipped"],
  senderName: "",
  replyTo: "",
};

async function save(scope: AgentScope, fields: Record<string, string | string[]>) {
  const parsed = parseNotificationSettings(form(fields));
  if (!parsed.ok) throw new Error(parsed.error);
  return adminSaveNotificationSettings(rig.db, scope, { ...parsed.data, now: day(1) });
}

describe("notification settings in the support console", () => {
  it("an agent who is not an admin cannot change them; a bad value names its field and changes nothing", async () => {
    await expect(save(agent, { ...filled, gatherMinutes: "5" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(save(admin, { ...filled, gatherMinutes: "" })).rejects.toMatchObject({
      code: "invalid",
      field: "gatherMinutes",
    });
    await expect(save(admin, { ...filled, replyTo: "nobody" })).rejects.toMatchObject({ field: "replyTo" });
    expect(await getNotificationSettings(rig.db, shop.id)).toMatchObject({ gatherMinutes: 30, replyTo: null });
  });

  it("an admin's change is audited as the agent and takes effect on the next gathering", async () => {
    const saved = await save(admin, {
      ...filled,
      emailsOn: ["eta_moved", "eta_confirmed"],
      showPoNotes: "true",
      senderName: "Console Care",
      replyTo: "care@console.example",
    });
    expect(saved).toEqual({
      gatherMinutes: 10,
      etaLaterThresholdDays: 2,
      etaEarlierThresholdDays: 2,
      emailsOff: ["backordered", "shipped"],
      showPoNotes: true,
      senderName: "Console Care",
      replyTo: "care@console.example",
    });
    const audit = await rows<{ actor_type: string; actor_id: string }>(
      rig.db,
      sql`select actor_type, actor_id from audit_log where action = 'settings.notifications_changed'`,
    );
    expect(audit).toEqual([{ actor_type: "agent", actor_id: "boss@3pl.example" }]);

    await placeOrder(rig.db, shop.id, "#1", [{ sku: "BOOT", quantity: 1 }], day(1));
    await drain(day(1));
    expect(rig.standIn.deliveries, "the backorder confirmation is off").toHaveLength(0);

    await changeExpectedDate(rig.db, {
      merchantId: shop.id,
      reference: "PO-1",
      expectedDate: "2026-11-20",
      note: "A ship came early",
      actor: apiActor,
      now: day(2),
    });
    await drain(minutes(day(2), 9));
    expect(rig.standIn.deliveries, "inside the ten-minute window").toHaveLength(0);
    await drain(minutes(day(2), 11));
    expect(rig.standIn.deliveries).toHaveLength(1);
    const mail = rig.standIn.deliveries[0]!.email;
    expect(mail.subject).toBe("Order #1: Product boot will ship sooner");
    expect(mail.from).toBe('"Console Care" <updates@backorder.example>');
    expect(mail.reply_to).toBe("care@console.example");
    expect(mail.text).toContain("Why: The supplier's delivery moved earlier: “A ship came early”");
  });
});

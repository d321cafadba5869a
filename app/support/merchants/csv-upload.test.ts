import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows } from "@/lib/db/client";
import { adminUploadCsv } from "@/lib/integrations/console";
import { addAgent, agentScope, type AgentScope } from "@/lib/support/access";
import { useFreshDatabase, type TestDatabase } from "@/testing/db";
import { createMerchant, createSku } from "@/testing/fixtures";
import { parseCsvUpload } from "./inputs";

// The CSV upload as the support console posts it: the form (inputs.ts), then an admin's preview
// or apply (lib/integrations/console.ts; lib/supply/csv.test.ts tests the file's rules).

let database: TestDatabase;
let admin: AgentScope;
let agent: AgentScope;

beforeAll(async () => {
  database = await useFreshDatabase();
  const shop = await createMerchant(database.db, { slug: "csv-console" });
  await createSku(database.db, shop.id, { code: "BOOT", onHand: 0 });
  await addAgent(database.db, { email: "boss@3pl.example", all: true });
  await addAgent(database.db, { email: "jo@shop.example", merchantSlug: "csv-console" });
  admin = (await agentScope(database.db, "boss@3pl.example"))!;
  agent = (await agentScope(database.db, "jo@shop.example"))!;
});
afterAll(async () => {
  await database?.close();
});

const csv = "kind,reference,supplier,expected_date,sku,quantity,note\npo,PO-1,Acme,2026-12-20,BOOT,5,\n";

function form(apply: string, file: Blob | string = new Blob([csv], { type: "text/csv" })) {
  const data = new FormData();
  data.set("slug", "csv-console");
  data.set("apply", apply);
  data.set("file", file);
  return data;
}

async function submit(scope: AgentScope, data: FormData) {
  const parsed = parseCsvUpload(data);
  if (!parsed.ok) return parsed;
  const { slug, file, apply } = parsed.data;
  return adminUploadCsv(database.db, scope, { slug, text: await file.text(), apply, now: new Date() });
}

const pos = async () => (await rows(database.db, sql`select reference from purchase_orders`)).length;

describe("CSV upload in the support console", () => {
  it("needs a file, and an admin", async () => {
    expect(parseCsvUpload(form("true", new Blob([])))).toEqual({ ok: false, error: "Choose a CSV file to upload." });
    await expect(submit(agent, form("true"))).rejects.toMatchObject({ code: "forbidden" });
    expect(await pos()).toBe(0);
  });

  it("Preview changes nothing; Apply creates the PO", async () => {
    expect(await submit(admin, form("false"))).toMatchObject({ ok: true, applied: false });
    expect(await pos()).toBe(0);
    expect(await submit(admin, form("true"))).toMatchObject({ ok: true, applied: true });
    expect(await pos()).toBe(1);
  });
});

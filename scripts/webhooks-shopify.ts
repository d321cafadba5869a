// npm run webhooks:shopify -- --merchant <slug> --shop <name>.myshopify.com   connect (or give a new secret: the old one is accepted for 72 h)
//   The secret Shopify signs webhooks with is read from standard input, so it stays out of the shell history:
//   printf %s "$SECRET" | npm run webhooks:shopify -- --merchant northwind --shop northwind.myshopify.com
// npm run webhooks:shopify -- --merchant <slug> --end-rotation   stop accepting the previous secret now
// npm run webhooks:shopify -- --merchant <slug> --disconnect     refuse the shop's webhooks until connected again
import { parseArgs } from "node:util";
import { systemActor } from "../lib/audit/actor";
import { env } from "../lib/env";
import { connectShopify, disconnectShopify, endShopifyRotation, merchantBySlug } from "../lib/integrations/settings";
import { runWithDatabase, usage } from "./run-script";

const { values } = parseArgs({
  options: {
    merchant: { type: "string" },
    shop: { type: "string" },
    "end-rotation": { type: "boolean" },
    disconnect: { type: "boolean" },
  },
});

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write("Paste the Shopify webhook secret, then press Enter: ");
    for await (const line of (await import("node:readline")).createInterface({ input: process.stdin }))
      return line.trim();
    return "";
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

const actions = [values.shop !== undefined, values["end-rotation"], values.disconnect].filter(Boolean).length;
if (!values.merchant || actions !== 1)
  usage(
    "npm run webhooks:shopify -- --merchant <slug> (--shop <name>.myshopify.com [secret on stdin] | --end-rotation | --disconnect)",
  );
const merchantSlug = values.merchant!;
const secret = values.shop !== undefined ? await readStdin() : "";

await runWithDatabase(async (database) => {
  const actor = systemActor("cli:webhooks-shopify");
  const now = new Date();
  const merchant = await merchantBySlug(database.db, merchantSlug);
  if (values.shop !== undefined) {
    const connected = await connectShopify(database.db, {
      merchantId: merchant.id,
      shopDomain: values.shop,
      secret,
      actor,
      now,
    });
    console.log(
      connected.rotated
        ? `Shopify secret for ${merchant.name} replaced; the old one is accepted until ${connected.previousValidUntil!.toISOString()}.`
        : `Shopify connected for ${merchant.name}.`,
    );
    console.log(
      `In Shopify, point the webhooks at: ${env().APP_URL.replace(/\/$/, "")}/api/webhooks/shopify/${merchant.slug}`,
    );
  } else if (values["end-rotation"]) {
    await endShopifyRotation(database.db, { merchantId: merchant.id, actor, now });
    console.log(`Only the current Shopify secret is accepted for ${merchant.name} now.`);
  } else {
    await disconnectShopify(database.db, { merchantId: merchant.id, actor, now });
    console.log(`Shopify disconnected for ${merchant.name}: its webhooks get 401 until it is connected again.`);
  }
});

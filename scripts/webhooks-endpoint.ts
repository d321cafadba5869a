// npm run webhooks:endpoint -- --merchant <slug> --url <https://…>   create the endpoint (prints its secret once) or change its address
// npm run webhooks:endpoint -- --merchant <slug> --rotate            a new signing secret (printed once; the old one signs for 24 h more)
// npm run webhooks:endpoint -- --merchant <slug> --enable|--disable  turn sending on or off (on again after a 410)
import { parseArgs } from "node:util";
import { systemActor } from "../lib/audit/actor";
import {
  merchantBySlug,
  rotateWebhookSecret,
  saveWebhookEndpoint,
  setWebhookEndpointEnabled,
} from "../lib/integrations/settings";
import { runWithDatabase, usage } from "./run-script";

const { values } = parseArgs({
  options: {
    merchant: { type: "string" },
    url: { type: "string" },
    rotate: { type: "boolean" },
    enable: { type: "boolean" },
    disable: { type: "boolean" },
  },
});

const actions = [values.url !== undefined, values.rotate, values.enable, values.disable].filter(Boolean).length;
if (!values.merchant || actions !== 1)
  usage("npm run webhooks:endpoint -- --merchant <slug> (--url <https://…> | --rotate | --enable | --disable)");
const merchantSlug = values.merchant!;

await runWithDatabase(async (database) => {
  const actor = systemActor("cli:webhooks-endpoint");
  const now = new Date();
  const merchant = await merchantBySlug(database.db, merchantSlug);
  if (values.url !== undefined) {
    const saved = await saveWebhookEndpoint(database.db, { merchantId: merchant.id, url: values.url, actor, now });
    if (saved.secret) {
      console.log(
        `Webhook endpoint for ${merchant.name} created. Its signing secret (shown once, store it now):\n\n  ${saved.secret}\n`,
      );
      console.log('Verify each request with it (Standard Webhooks); see the README, "Receive our webhooks".');
    } else {
      console.log(`Webhook endpoint for ${merchant.name} now sends to ${values.url}; the signing secret is unchanged.`);
    }
  } else if (values.rotate) {
    const rotated = await rotateWebhookSecret(database.db, { merchantId: merchant.id, actor, now });
    console.log(`New signing secret for ${merchant.name} (shown once, store it now):\n\n  ${rotated.secret}\n`);
    console.log(
      `Until ${rotated.previousValidUntil.toISOString()} each request carries signatures with both the old and the new secret.`,
    );
  } else {
    await setWebhookEndpointEnabled(database.db, { merchantId: merchant.id, enabled: !!values.enable, actor, now });
    console.log(`Sending to ${merchant.name}'s endpoint is ${values.enable ? "on" : "off"}.`);
  }
});

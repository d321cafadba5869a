// npm run agent:add -- <email> --merchant <slug> | --all [--name "Jo Rivera"]
// Creates a support agent (or adds a merchant to an existing one); --all makes an admin for every shop.
import { parseArgs } from "node:util";
import { addAgent } from "../lib/support/access";
import { runWithDatabase, usage } from "./run-script";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { merchant: { type: "string" }, all: { type: "boolean" }, name: { type: "string" } },
});

const email = positionals[0];
if (!email || (!values.merchant && !values.all))
  usage("npm run agent:add -- <email> --merchant <slug> | --all [--name <name>]");

await runWithDatabase(async (database) => {
  const agent = await addAgent(database.db, {
    email,
    name: values.name,
    merchantSlug: values.merchant,
    all: values.all,
  });
  console.log(
    `${agent.email} is now ${agent.role === "admin" ? "an admin for every shop" : `an agent for ${values.merchant}`}. They sign in at /support.`,
  );
});

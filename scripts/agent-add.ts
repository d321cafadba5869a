// npm run agent:add -- <email> --merchant <slug> | --all [--name "Jo Rivera"]
// Creates a support agent (or adds a merchant to an existing one); --all makes an admin for every shop.
import { parseArgs } from "node:util";
import { openConfigured } from "../lib/db/client";
import { isDomainError } from "../lib/errors";
import { addAgent } from "../lib/support/access";
import { runScript } from "./run-script";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { merchant: { type: "string" }, all: { type: "boolean" }, name: { type: "string" } },
});

await runScript(async () => {
  const email = positionals[0];
  if (!email || (!values.merchant && !values.all)) {
    console.error("Usage: npm run agent:add -- <email> --merchant <slug> | --all [--name <name>]");
    process.exitCode = 1;
    return;
  }
  const database = openConfigured();
  try {
    const agent = await addAgent(database.db, {
      email,
      name: values.name,
      merchantSlug: values.merchant,
      all: values.all,
    });
    console.log(
      `${agent.email} is now ${agent.role === "admin" ? "an admin for every shop" : `an agent for ${values.merchant}`}. They sign in at /support.`,
    );
  } catch (error) {
    if (isDomainError(error)) {
      console.error(error.message);
      process.exitCode = 1;
      return;
    }
    throw error;
  } finally {
    await database.close();
  }
});

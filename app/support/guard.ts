import { notFound, redirect } from "next/navigation";
import { currentEmail } from "@/auth";
import { db } from "@/lib/db/client";
import { agentScope, type AgentScope } from "@/lib/support/access";

/** For support pages: signed-out people go to sign-in; signed-in non-agents get a 404. */
export async function requireAgentPage(callbackUrl = "/support"): Promise<AgentScope> {
  const email = await currentEmail();
  if (!email) redirect(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  const scope = await agentScope(db(), email);
  if (!scope) notFound();
  return scope;
}

/** For support route handlers and actions: the scope, or null (answer 404, change nothing). */
export async function agentOrNull(): Promise<AgentScope | null> {
  return agentScope(db(), await currentEmail());
}

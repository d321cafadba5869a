import { notFound, redirect } from "next/navigation";
import { currentEmail } from "@/auth";
import { db } from "@/lib/db/client";
import { isDomainError } from "@/lib/errors";
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

/**
 * For support pages reading one thing in the agent's scope: a domain error (unknown, or outside
 * the scope) is a 404, so a page never tells which orders or shops exist elsewhere.
 */
export async function foundOr404<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (isDomainError(error)) notFound();
    throw error;
  }
}

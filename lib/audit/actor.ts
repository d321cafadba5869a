import type { ActorType } from "../db/schema/audit";

/** Who is making a change: a shopper's or agent's email, an API key id, or a job's name. */
export type Actor = { type: ActorType; id: string | null };

export const systemActor = (job: string): Actor => ({ type: "system", id: job });

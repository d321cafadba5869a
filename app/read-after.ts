import { cookies } from "next/headers";
import {
  commitPosition,
  readAfterCookie,
  readAfterPosition,
  readAfterSeconds,
  readAfterToken,
  reads,
  type Reads,
} from "@/lib/db/reads";
import { env } from "@/lib/env";

// Read-your-own-writes across requests: an action that changed something leaves its commit's WAL
// position in a short-lived signed cookie, and the pages that caller opens next read from a
// replica only once it has replayed that far (lib/db/reads.ts). Without replicas, neither does anything.

/** The reads of whoever is asking, past their own last change. */
export async function callerReads(): Promise<Reads> {
  const jar = await cookies();
  return reads(readAfterPosition(jar.get(readAfterCookie)?.value));
}

/**
 * Called after the caller's change committed. The change stands whatever happens here: if the
 * primary cannot say its position now, that is logged and the caller's next reads may lag.
 */
export async function rememberOwnWrite(): Promise<void> {
  const lsn = await commitPosition().catch((error: unknown) => {
    console.error(`Could not read the primary's WAL position after a change: ${String(error)}`);
    return null;
  });
  if (!lsn) return;
  const jar = await cookies();
  jar.set(readAfterCookie, readAfterToken(lsn), {
    httpOnly: true,
    sameSite: "lax",
    secure: env().APP_URL.startsWith("https:"),
    path: "/",
    maxAge: readAfterSeconds(),
  });
}

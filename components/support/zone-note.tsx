import { zoneShortName } from "@/lib/dates";

/** The one sentence a support page says about its times: which zone they are in, by name. */
export function ZoneNote({ timeZone, mixed = false }: { timeZone: string; mixed?: boolean }) {
  const short = zoneShortName(timeZone);
  return (
    <p className="text-sm text-stone-700">
      Times in {timeZone}
      {short === timeZone ? "" : ` (${short})`}.
      {mixed ? " Your shops are in several time zones: choose one shop to see its local times." : null}
    </p>
  );
}

// Every IANA time zone this server knows, for the time zone pickers. UTC first: Intl's list
// leaves it out, yet it is the default of a new business, and a picker that cannot show the
// business's zone would show (and save) the first one in the list instead.
const KNOWN: string[] = ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];

/** The zones to offer, always including `current` (a zone saved under another name stays shown). */
export function timeZoneChoices(current?: string | null): string[] {
  return current && !KNOWN.includes(current) ? [current, ...KNOWN] : KNOWN;
}

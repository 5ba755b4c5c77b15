// Weekly opening hours in the business's own time zone.
import { z } from "zod";

export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Day = (typeof DAYS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "must be HH:MM (24-hour)");
const range = z
  .tuple([hhmm, hhmm])
  .refine(([a, b]) => a < b, "opening time must be before closing time");

/** `{ mon: [["09:00","17:00"]], ... }`; a missing day is closed; an empty object means always open. */
export const WeeklyHoursSchema = z.partialRecord(z.enum(DAYS), z.array(range).max(6));
export type WeeklyHours = z.infer<typeof WeeklyHoursSchema>;

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Is the business open at `at`? Always open when no hours are set. */
export function isOpen(hours: WeeklyHours, timeZone: string, at: Date = new Date()): boolean {
  if (Object.keys(hours).length === 0) return true;
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: isValidTimeZone(timeZone) ? timeZone : "UTC",
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  const day = get("weekday").toLowerCase().slice(0, 3) as Day;
  const time = `${get("hour")}:${get("minute")}`;
  return (hours[day] ?? []).some(([open, close]) => time >= open && time < close);
}

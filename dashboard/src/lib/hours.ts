// Weekly opening hours as the API stores them ({"mon": [["09:00","17:00"]]}, {} = always open)
// and as a form sends them (one interval per day).
import type { Schemas } from "./types";

export type WeeklyHours = Schemas["WeeklyHours"];
export const DAYS = [["mon", "Monday"], ["tue", "Tuesday"], ["wed", "Wednesday"], ["thu", "Thursday"], ["fri", "Friday"], ["sat", "Saturday"], ["sun", "Sunday"]] as const;
export type Day = (typeof DAYS)[number][0];

export function hoursFromForm(values: Record<string, string>): WeeklyHours {
  if (values.hoursMode === "always") return {};
  const out: WeeklyHours = {};
  for (const [d] of DAYS) {
    if (values[`open_${d}`] !== "on") continue;
    out[d] = [[values[`from_${d}`] || "09:00", values[`to_${d}`] || "17:00"]];
  }
  return out;
}

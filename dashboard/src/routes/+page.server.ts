// Overview: today and this week, minutes used against the plan, the chosen range's chart and
// distributions, the calls live right now and the latest ones.
import { redirect } from "@sveltejs/kit";
import type { PageServerLoad } from "./$types";
import { get } from "$lib/server/api";
import { currentMembership } from "$lib/server/business";
import { dayIn, daysBefore, weekStart } from "$lib/format";
import type { Schemas } from "$lib/types";

const RANGES = [7, 30, 90] as const;

export const load: PageServerLoad = async (event) => {
  const m = currentMembership(event);
  if (!m) redirect(303, "/onboarding");
  const range = RANGES.find((r) => String(r) === event.url.searchParams.get("range")) ?? 30;
  const business = await get<Schemas["Business"]>(event, `/v1/businesses/${m.businessId}`);
  const today = dayIn(business.timezone);
  const stats = (from: string) => get<Schemas["Analytics"]>(event, `/v1/analytics?from=${from}&to=${today}`);
  const [todayStats, week, ranged, usage, live, latest] = await Promise.all([
    stats(today),
    stats(weekStart(today)),
    stats(daysBefore(today, range - 1)),
    get<Schemas["Usage"]>(event, "/v1/usage"),
    get<Schemas["LiveCallList"]>(event, "/v1/calls/live"),
    get<Schemas["CallList"]>(event, "/v1/calls?limit=8"),
  ]);
  return { business, range, ranges: RANGES, today: todayStats, week, ranged, usage, live: live.data, latest: latest.data };
};

// Calls, filtered (date range, status, sentiment, outcome, direction, text), a page at a time.
import type { Actions, PageServerLoad } from "./$types";
import { formValues } from "$lib/server/forms";
import { placeCall, purposeOf } from "$lib/server/outbound";
import { get } from "$lib/server/api";
import { currentMembership } from "$lib/server/business";
import type { Schemas } from "$lib/types";
import { daysBefore, startOfDayIn } from "$lib/format";

const FILTERS = ["status", "sentiment", "outcome", "direction", "q"] as const;

export const load: PageServerLoad = async (event) => {
  const sp = event.url.searchParams;
  const m = currentMembership(event)!;
  const business = await get<Schemas["Business"]>(event, `/v1/businesses/${m.businessId}`);
  const query = new URLSearchParams({ limit: "25" });
  for (const f of FILTERS) if (sp.get(f)) query.set(f, sp.get(f)!);
  const day = /^\d{4}-\d{2}-\d{2}$/;
  // Days are the business's own: from its midnight to the next one.
  if (day.test(sp.get("from") ?? "")) query.set("from", startOfDayIn(sp.get("from")!, business.timezone));
  if (day.test(sp.get("to") ?? "")) query.set("to", startOfDayIn(daysBefore(sp.get("to")!, -1), business.timezone));
  if (sp.get("starting_after")) query.set("starting_after", sp.get("starting_after")!);
  const page = await get<Schemas["CallList"]>(event, `/v1/calls?${query}`);
  const filters = Object.fromEntries([...FILTERS, "from", "to"].map((f) => [f, sp.get(f) ?? ""]));
  const next = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  if (page.has_more && page.data.length) next.set("starting_after", page.data.at(-1)!.id);
  const first = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  return {
    calls: page.data,
    filters,
    timeZone: business.timezone,
    nextHref: page.has_more ? `/calls?${next}` : null,
    firstHref: sp.get("starting_after") ? `/calls?${first}` : null,
    filtered: Object.values(filters).some(Boolean),
    deleted: sp.get("deleted") === "1",
  };
};

export const actions: Actions = {
  /** A new outbound call: the number, why, and the name the agent greets them by. */
  call: async (event) => {
    const v = await formValues(event.request);
    const name = v.name?.trim();
    const to = (v.to ?? "").replace(/[\s().-]/g, "");
    return placeCall(event, { to, ...purposeOf(v), ...(name ? { variables: { name } } : {}) }, v, "call");
  },
};

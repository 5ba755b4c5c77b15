// Messages the agent took: newest first, new ones to handle, each linked to its call.
import type { Actions, PageServerLoad } from "./$types";
import { api, get } from "$lib/server/api";
import { formValues, refused, saved } from "$lib/server/forms";
import { placeCall, purposeOf } from "$lib/server/outbound";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => {
  const status = event.url.searchParams.get("status") === "handled" ? "handled" : event.url.searchParams.get("status") === "all" ? "" : "new";
  const after = event.url.searchParams.get("starting_after");
  const q = new URLSearchParams({ limit: "50" });
  if (status) q.set("status", status);
  if (after) q.set("starting_after", after);
  const page = await get<Schemas["MessageList"]>(event, `/v1/messages?${q}`);
  return { messages: page.data, status: status || "all", next: page.has_more ? page.data.at(-1)?.id : null };
};

export const actions: Actions = {
  handle: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "PATCH", `/v1/messages/${encodeURIComponent(v.id ?? "")}`, { body: { status: v.status === "new" ? "new" : "handled" } });
    if (!r.ok) return refused(r.problem, v, "handle");
    return saved("handle", v.status === "new" ? "Marked as new again." : "Marked as handled.");
  },
  /** Calls the message's callback number back; the answer lands beside that message. */
  callback: async (event) => {
    const v = await formValues(event.request);
    return placeCall(event, { callbackOf: { messageId: v.messageId ?? "" }, ...purposeOf(v) }, v, `callback-${v.messageId ?? ""}`);
  },
};

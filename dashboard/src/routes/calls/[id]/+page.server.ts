import type { Actions, PageServerLoad } from "./$types";
import { redirect } from "@sveltejs/kit";
import { api, get } from "$lib/server/api";
import { currentMembership } from "$lib/server/business";
import { formValues, refused } from "$lib/server/forms";
import { placeCall, purposeOf } from "$lib/server/outbound";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => {
  const id = encodeURIComponent(event.params.id);
  const m = currentMembership(event)!;
  const [call, transcript, messages, business] = await Promise.all([
    get<Schemas["Call"]>(event, `/v1/calls/${id}`),
    get<Schemas["Transcript"]>(event, `/v1/calls/${id}/transcript`),
    get<Schemas["MessageList"]>(event, `/v1/calls/${id}/messages`),
    get<Schemas["Business"]>(event, `/v1/businesses/${m.businessId}`),
  ]);
  return { call, segments: transcript.data, messages: messages.data, timeZone: business.timezone };
};

export const actions: Actions = {
  callback: async (event) => {
    const v = await formValues(event.request);
    return placeCall(event, { callbackOf: { callId: event.params.id }, ...purposeOf(v) }, v, "callback");
  },
  /** Deletes the call (its recording at Twilio first), then back to the list, which says so. */
  delete: async (event) => {
    const r = await api(event, "DELETE", `/v1/calls/${encodeURIComponent(event.params.id)}`);
    if (!r.ok) return refused(r.problem, {}, "delete");
    redirect(303, "/calls?deleted=1");
  },
};

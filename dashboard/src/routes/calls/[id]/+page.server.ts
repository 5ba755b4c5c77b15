import type { PageServerLoad } from "./$types";
import { get } from "$lib/server/api";
import { currentMembership } from "$lib/server/business";
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

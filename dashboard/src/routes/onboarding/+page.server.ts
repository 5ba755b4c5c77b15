// Onboarding: create a business, then a checklist (time zone and hours, a phone number, the
// first knowledge, voice and greeting), each step done right here.
import { redirect, type RequestEvent } from "@sveltejs/kit";
import type { Actions, PageServerLoad } from "./$types";
import { api, get } from "$lib/server/api";
import { currentMembership, pickBusiness } from "$lib/server/business";
import { formValues, refused, saved } from "$lib/server/forms";
import { hoursFromForm } from "$lib/hours";
import { timeZoneChoices } from "$lib/server/timezones";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => {
  const m = currentMembership(event);
  if (!m || event.url.searchParams.has("new")) return { business: null, timeZones: timeZoneChoices() };
  const [business, numbers, capabilities, agent] = await Promise.all([
    get<Schemas["Business"]>(event, `/v1/businesses/${m.businessId}`),
    get<Schemas["PhoneNumberList"]>(event, "/v1/phone-numbers"),
    get<Schemas["Capabilities"]>(event, "/v1/capabilities"),
    get<Schemas["AgentConfig"]>(event, "/v1/agent-config"),
  ]);
  return { business, numbers: numbers.data, capabilities, knowledge: capabilities.knowledge, agent, timeZones: timeZoneChoices(business.timezone) };
};

function businessId(event: RequestEvent): string {
  const m = currentMembership(event);
  if (!m) redirect(303, "/onboarding");
  return m.businessId;
}

export const actions: Actions = {
  create: async (event) => {
    const v = await formValues(event.request);
    const r = await api<Schemas["Business"]>(event, "POST", "/v1/businesses", { body: { name: v.name ?? "", timezone: v.timezone || "UTC" } });
    if (!r.ok) return refused(r.problem, v, "create");
    pickBusiness(event, r.data.id);
    redirect(303, "/onboarding");
  },
  hours: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "PATCH", `/v1/businesses/${businessId(event)}`, { body: { timezone: v.timezone, hours: hoursFromForm(v) } });
    if (!r.ok) return refused(r.problem, v, "hours");
    return saved("hours", "Time zone and hours saved.");
  },
  number: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "POST", "/v1/phone-numbers", { body: { e164: (v.e164 ?? "").replace(/[\s()-]/g, ""), label: v.label || null } });
    if (!r.ok) return refused(r.problem, v, "number");
    return saved("number", "Number attached.");
  },
  knowledge: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "POST", "/v1/knowledge", { body: { title: v.title ?? "", content: v.content ?? "", category: v.category || null } });
    if (!r.ok) return refused(r.problem, v, "knowledge");
    return saved("knowledge", "Saved; it is being indexed now.");
  },
  agent: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "PATCH", "/v1/agent-config", { body: { voice: v.voice, greeting: v.greeting ?? "" } });
    if (!r.ok) return refused(r.problem, v, "agent");
    return saved("agent", "Voice and greeting saved.");
  },
};

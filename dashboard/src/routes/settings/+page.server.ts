// Business settings: profile, time zone and hours, phone numbers, and the danger zone.
import { redirect } from "@sveltejs/kit";
import type { Actions, PageServerLoad } from "./$types";
import { api, get } from "$lib/server/api";
import { currentMembership } from "$lib/server/business";
import { formValues, refused, saved } from "$lib/server/forms";
import { hoursFromForm } from "$lib/hours";
import { timeZoneChoices } from "$lib/server/timezones";
import { BUSINESS_COOKIE } from "$lib/server/upstream";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => {
  const m = currentMembership(event)!;
  const [business, numbers] = await Promise.all([
    get<Schemas["Business"]>(event, `/v1/businesses/${m.businessId}`),
    get<Schemas["PhoneNumberList"]>(event, "/v1/phone-numbers?limit=100"),
  ]);
  return { business, numbers: numbers.data, role: m.role, timeZones: timeZoneChoices(business.timezone) };
};

const orNull = (s: string | undefined) => (s && s.trim() ? s.trim() : null);

export const actions: Actions = {
  profile: async (event) => {
    const v = await formValues(event.request);
    const body = { name: v.name ?? "", description: v.description ?? "", website: orNull(v.website), industry: orNull(v.industry), address: orNull(v.address), contactEmail: orNull(v.contactEmail), isActive: v.isActive === "on" };
    const r = await api(event, "PATCH", `/v1/businesses/${currentMembership(event)!.businessId}`, { body });
    if (!r.ok) return refused(r.problem, v, "profile");
    return saved("profile", "Profile saved.");
  },
  hours: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "PATCH", `/v1/businesses/${currentMembership(event)!.businessId}`, { body: { timezone: v.timezone, hours: hoursFromForm(v) } });
    if (!r.ok) return refused(r.problem, v, "hours");
    return saved("hours", "Time zone and hours saved.");
  },
  attach: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "POST", "/v1/phone-numbers", { body: { e164: (v.e164 ?? "").replace(/[\s()-]/g, ""), label: orNull(v.label) } });
    if (!r.ok) return refused(r.problem, v, "numbers");
    return saved("numbers", "Number attached.");
  },
  detach: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "DELETE", `/v1/phone-numbers/${encodeURIComponent(v.id ?? "")}`);
    if (!r.ok) return refused(r.problem, v, "numbers");
    return saved("numbers", "Number detached; it no longer reaches the agent.");
  },
  delete: async (event) => {
    const v = await formValues(event.request);
    const m = currentMembership(event)!;
    if (v.confirm !== m.businessName) return refused({ status: 400, code: "validation_failed", detail: "Type the business name exactly to confirm.", errors: [{ path: "body.confirm", message: "does not match the business name" }] }, v, "delete");
    const r = await api(event, "DELETE", `/v1/businesses/${m.businessId}`);
    if (!r.ok) return refused(r.problem, v, "delete");
    event.cookies.delete(BUSINESS_COOKIE, { path: "/" });
    redirect(303, "/");
  },
};

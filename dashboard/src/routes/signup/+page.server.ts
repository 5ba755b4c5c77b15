// Sign up: the API mails a one-time link; following it (/signup/verify) makes the account
// (and, when named, its first business) and signs in.
import { redirect } from "@sveltejs/kit";
import type { Actions, PageServerLoad } from "./$types";
import { callApi, ApiUnreachable } from "$lib/server/api";
import { formValues, refused, saved, unreachable } from "$lib/server/forms";
import { safeNext } from "$lib/server/next";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async ({ locals, url }) => {
  if (locals.session) redirect(303, safeNext(url.searchParams.get("next")));
  return { next: safeNext(url.searchParams.get("next")) };
};

export const actions: Actions = {
  default: async (event) => {
    const v = await formValues(event.request);
    const { password = "", next = "/", ...values } = v;
    const body = { name: (v.name ?? "").trim(), email: (v.email ?? "").trim(), password, ...(v.businessName?.trim() ? { businessName: v.businessName.trim() } : {}) };
    let r;
    try {
      r = await callApi<Schemas["AccountMailSent"]>(event, "POST", "/v1/auth/signup", { body });
    } catch (err) {
      if (err instanceof ApiUnreachable) return unreachable(values);
      throw err;
    }
    if (!r.ok) return refused(r.problem, values);
    return { ...saved("", r.data.detail), sentTo: r.data.email, next };
  },
};

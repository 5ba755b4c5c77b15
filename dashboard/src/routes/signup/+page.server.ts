// Sign up: an account (and, when named, its first business), signed in at once.
import { redirect } from "@sveltejs/kit";
import type { Actions, PageServerLoad } from "./$types";
import { callApi, ApiUnreachable } from "$lib/server/api";
import { formValues, refused, unreachable } from "$lib/server/forms";
import { safeNext } from "$lib/server/next";
import type { Session } from "$lib/types";

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
      r = await callApi<Session>(event, "POST", "/v1/auth/signup", { body });
    } catch (err) {
      if (err instanceof ApiUnreachable) return unreachable(values);
      throw err;
    }
    if (!r.ok) return refused(r.problem, values);
    redirect(303, next !== "/" ? safeNext(next) : "/onboarding");
  },
};

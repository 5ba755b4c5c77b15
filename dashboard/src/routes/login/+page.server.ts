import { redirect } from "@sveltejs/kit";
import type { Actions, PageServerLoad } from "./$types";
import { callApi, ApiUnreachable } from "$lib/server/api";
import { formValues, refused, unreachable } from "$lib/server/forms";
import { safeNext } from "$lib/server/next";
import type { Session } from "$lib/types";

export const load: PageServerLoad = async ({ locals, url }) => {
  if (locals.session) redirect(303, safeNext(url.searchParams.get("next")));
  return { expired: url.searchParams.has("expired"), next: safeNext(url.searchParams.get("next")) };
};

export const actions: Actions = {
  default: async (event) => {
    const { email = "", password = "", next = "/" } = await formValues(event.request);
    const values = { email: email.trim() };
    let r;
    try {
      r = await callApi<Session>(event, "POST", "/v1/auth/login", { body: { email: values.email, password } });
    } catch (err) {
      if (err instanceof ApiUnreachable) return unreachable(values);
      throw err;
    }
    if (!r.ok) return refused(r.problem, values);
    redirect(303, safeNext(next));
  },
};

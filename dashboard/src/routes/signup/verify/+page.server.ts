// The mailed sign-up link (/signup/verify?token=…). Spending it is a button press (a POST), so
// mail scanners that open links do not use it up.
import { redirect } from "@sveltejs/kit";
import type { Actions, PageServerLoad } from "./$types";
import { callApi, ApiUnreachable } from "$lib/server/api";
import { refused, unreachable } from "$lib/server/forms";
import type { Session } from "$lib/types";

export const load: PageServerLoad = async ({ url }) => ({ hasToken: !!url.searchParams.get("token") });

export const actions: Actions = {
  default: async (event) => {
    let r;
    try {
      r = await callApi<Session>(event, "POST", "/v1/auth/verify-email", { body: { token: event.url.searchParams.get("token") ?? "" } });
    } catch (err) {
      if (err instanceof ApiUnreachable) return unreachable();
      throw err;
    }
    if (!r.ok) return refused(r.problem);
    redirect(303, "/onboarding");
  },
};

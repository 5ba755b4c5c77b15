// The mailed reset link (/reset-password?token=…): a new password, then signed in.
import { redirect } from "@sveltejs/kit";
import type { Actions, PageServerLoad } from "./$types";
import { callApi, ApiUnreachable } from "$lib/server/api";
import { formValues, refused, unreachable } from "$lib/server/forms";
import type { Session } from "$lib/types";

export const load: PageServerLoad = async ({ url }) => ({ hasToken: !!url.searchParams.get("token") });

export const actions: Actions = {
  default: async (event) => {
    const v = await formValues(event.request);
    let r;
    try {
      r = await callApi<Session>(event, "POST", "/v1/auth/password/reset", { body: { token: event.url.searchParams.get("token") ?? "", password: v.password ?? "" } });
    } catch (err) {
      if (err instanceof ApiUnreachable) return unreachable();
      throw err;
    }
    if (!r.ok) return refused(r.problem);
    redirect(303, "/");
  },
};

import type { Actions } from "./$types";
import { callApi, ApiUnreachable } from "$lib/server/api";
import { formValues, refused, saved, unreachable } from "$lib/server/forms";
import type { Schemas } from "$lib/types";

export const actions: Actions = {
  default: async (event) => {
    const v = await formValues(event.request);
    let r;
    try {
      r = await callApi<Schemas["AccountMailSent"]>(event, "POST", "/v1/auth/password/forgot", { body: { email: (v.email ?? "").trim() } });
    } catch (err) {
      if (err instanceof ApiUnreachable) return unreachable(v);
      throw err;
    }
    if (!r.ok) return refused(r.problem, v);
    return saved("", r.data.detail);
  },
};

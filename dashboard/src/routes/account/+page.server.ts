// The signed-in user's name and password.
import type { Actions } from "./$types";
import { api } from "$lib/server/api";
import { formValues, refused, saved } from "$lib/server/forms";
import type { Session } from "$lib/types";

export const actions: Actions = {
  name: async (event) => {
    const v = await formValues(event.request);
    const r = await api<Session>(event, "PATCH", "/v1/auth/me", { body: { name: (v.name ?? "").trim() } });
    if (!r.ok) return refused(r.problem, v, "name");
    event.locals.session = r.data; // the page re-renders in this request: show the new name
    return saved("name", "Name saved.");
  },
  password: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "POST", "/v1/auth/password", { body: { currentPassword: v.currentPassword ?? "", newPassword: v.newPassword ?? "" } });
    if (!r.ok) return refused(r.problem, {}, "password");
    return saved("password", "Password changed; your other sessions were signed out.");
  },
};

import { redirect } from "@sveltejs/kit";
import type { Actions, PageServerLoad } from "./$types";
import { callApi } from "$lib/server/api";

export const load: PageServerLoad = () => redirect(303, "/");

export const actions: Actions = {
  default: async (event) => {
    // Ending the session at the API matters; if it is down, forgetting the cookie still logs out here.
    await callApi(event, "POST", "/v1/auth/logout").catch(() => undefined);
    event.cookies.delete("fd_session", { path: "/" });
    redirect(303, "/login");
  },
};

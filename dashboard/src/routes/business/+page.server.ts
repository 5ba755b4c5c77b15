import { redirect } from "@sveltejs/kit";
import type { Actions, PageServerLoad } from "./$types";
import { pickBusiness } from "$lib/server/business";

export const load: PageServerLoad = () => redirect(303, "/");

export const actions: Actions = {
  default: async (event) => {
    const id = String((await event.request.formData()).get("businessId") ?? "");
    if (event.locals.session?.memberships.some((m) => m.businessId === id)) pickBusiness(event, id);
    redirect(303, "/");
  },
};

// Accepting an invitation (the mailed link, /invite?token=…): signed in with the invited
// email, one click joins the business.
import { redirect } from "@sveltejs/kit";
import type { Actions, PageServerLoad } from "./$types";
import { api } from "$lib/server/api";
import { pickBusiness } from "$lib/server/business";
import { refused } from "$lib/server/forms";
import type { Session } from "$lib/types";

export const load: PageServerLoad = async (event) => ({
  signedIn: !!event.locals.session,
  email: event.locals.session?.user.email ?? null,
  here: event.url.pathname + event.url.search,
  hasToken: !!event.url.searchParams.get("token"),
});

export const actions: Actions = {
  accept: async (event) => {
    if (!event.locals.session) redirect(303, `/login?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
    const before = new Set(event.locals.session.memberships.map((m) => m.businessId));
    const r = await api<Session>(event, "POST", "/v1/invites/accept", { body: { token: event.url.searchParams.get("token") ?? "" } });
    if (!r.ok) return refused(r.problem, {}, "accept");
    const joined = r.data.memberships.find((m) => !before.has(m.businessId));
    if (joined) pickBusiness(event, joined.businessId);
    redirect(303, "/");
  },
};

import type { LayoutServerLoad } from "./$types";
import { currentMembership } from "$lib/server/business";

export const load: LayoutServerLoad = async (event) => {
  const session = event.locals.session;
  return {
    apiDown: event.locals.apiDown,
    user: session?.user ?? null,
    memberships: session?.memberships ?? [],
    current: currentMembership(event),
    csrfToken: session?.csrfToken ?? null,
  };
};

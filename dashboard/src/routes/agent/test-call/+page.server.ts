// Talk to your agent: whether a browser test call can be placed here (the API's capabilities,
// and the member's role: createTestCall is for owners and admins).
import type { PageServerLoad } from "./$types";
import { get } from "$lib/server/api";
import { currentMembership } from "$lib/server/business";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => {
  const capabilities = await get<Schemas["Capabilities"]>(event, "/v1/capabilities");
  const role = currentMembership(event)?.role;
  const allowed = role === "owner" || role === "admin";
  const reason = !capabilities.browserTestCall.ready
    ? (capabilities.browserTestCall.reason ?? "Test calls are not available on this frontdesk.")
    : !allowed
      ? "Only owners and admins can place test calls."
      : null;
  return { reason };
};

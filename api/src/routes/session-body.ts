// The Session resource: the user, their businesses and roles, and the CSRF token that
// unsafe cookie-authenticated requests must carry.
import { csrfTokenFor } from "@frontdesk/core/auth/tokens";
import type { components } from "../generated/openapi.ts";
import type { SessionPrincipal } from "../http/context.ts";
import type { Accounts } from "../services.ts";
import { iso, presentUser } from "./present.ts";

export async function sessionBody(
  accounts: Pick<Accounts, "memberships">,
  appSecret: string,
  session: Pick<SessionPrincipal, "user" | "tokenHash" | "expiresAt">,
): Promise<components["schemas"]["Session"]> {
  return {
    user: presentUser(session.user),
    memberships: await accounts.memberships(session.user.id),
    csrfToken: csrfTokenFor(session.tokenHash, appSecret),
    expiresAt: iso(session.expiresAt),
  };
}

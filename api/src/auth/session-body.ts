// The Session resource: the user, their businesses and roles, and the CSRF token that
// unsafe cookie-authenticated requests must carry.
import type { Db } from "@frontdesk/core/db/client";
import { csrfTokenFor } from "@frontdesk/core/auth/tokens";
import type { components } from "../generated/openapi.ts";
import { iso, presentUser } from "../routes/present.ts";
import type { SessionPrincipal } from "../http/context.ts";

export async function sessionBody(
  db: Db,
  appSecret: string,
  session: Pick<SessionPrincipal, "user" | "tokenHash" | "expiresAt">,
): Promise<components["schemas"]["Session"]> {
  const memberships = await db.membership.findMany({
    where: { userId: session.user.id, business: { deletedAt: null } },
    select: { role: true, business: { select: { id: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return {
    user: presentUser(session.user),
    memberships: memberships.map((m) => ({ businessId: m.business.id, businessName: m.business.name, role: m.role })),
    csrfToken: csrfTokenFor(session.tokenHash, appSecret),
    expiresAt: iso(session.expiresAt),
  };
}

// The businesses a user belongs to (not deleted), with their role in each: for the session
// the dashboard reads on load, and for the user's paged list of businesses.
import type { Business, Role } from "@prisma/client";
import type { Db } from "../db/client.ts";

export interface MembershipSummary {
  businessId: string;
  businessName: string;
  role: Role;
}

/** Every business of the user, oldest membership first. */
export async function listMemberships(db: Db, userId: string): Promise<MembershipSummary[]> {
  const rows = await db.membership.findMany({
    where: { userId, business: { deletedAt: null } },
    select: { role: true, business: { select: { id: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((m) => ({ businessId: m.business.id, businessName: m.business.name, role: m.role }));
}

/** A page of the user's businesses, newest id first, after `startingAfter` when given. */
export async function listUserBusinesses(
  db: Db,
  userId: string,
  page: { startingAfter?: string; take: number },
): Promise<{ business: Business; role: Role }[]> {
  return db.membership.findMany({
    where: { userId, business: { deletedAt: null, ...(page.startingAfter ? { id: { lt: page.startingAfter } } : {}) } },
    select: { business: true, role: true },
    orderBy: { businessId: "desc" },
    take: page.take,
  });
}

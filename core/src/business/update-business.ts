// Changing a business's own profile (name, contact, time zone, hours, active flag).
import type { Business } from "@prisma/client";
import type { TenantDb } from "../db/tenant.ts";
import { businessProfileData, type BusinessProfile } from "./business-profile.ts";

export function updateBusiness(db: TenantDb, input: BusinessProfile): Promise<Business> {
  return db.business.update({ where: { id: db.businessId }, data: businessProfileData(input) });
}

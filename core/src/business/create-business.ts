// Creating a business: its profile, its owner's membership, in one statement. The API (create
// and sign-up), the demo seed and the test fixtures all make businesses here.
import { randomBytes } from "node:crypto";
import type { Business, Plan, Prisma } from "@prisma/client";
import type { Db } from "../db/client.ts";
import { businessProfileData, type BusinessProfile } from "./business-profile.ts";

export interface NewBusiness extends Omit<BusinessProfile, "name"> {
  name: string;
  /** The user who becomes its owner. */
  ownerId: string;
  /** Chosen by the system (seed, fixtures); otherwise made from the name. */
  slug?: string;
  plan?: Plan;
}

/** A URL-friendly slug from a name, with a random tail so equal names do not clash. */
export function slugFor(name: string): string {
  const base = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "business"}-${randomBytes(3).toString("hex")}`;
}

export async function createBusiness(db: Db | Prisma.TransactionClient, input: NewBusiness): Promise<Business> {
  const { ownerId, slug, plan, ...profile } = input;
  const data = businessProfileData(profile) as Prisma.BusinessCreateInput;
  return db.business.create({
    data: {
      ...data,
      name: input.name,
      slug: slug ?? slugFor(input.name),
      ...(plan ? { plan } : {}),
      memberships: { create: { userId: ownerId, role: "owner" } },
    },
  });
}

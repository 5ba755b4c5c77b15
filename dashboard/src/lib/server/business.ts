// Which of the user's businesses the dashboard is showing: the one picked (cookie), else the
// first. The cookie also tells the proxy which Frontdesk-Business header to send.
import type { RequestEvent } from "@sveltejs/kit";
import type { Schemas } from "$lib/types";
import { BUSINESS_COOKIE } from "./upstream";

export type Membership = Schemas["SessionMembership"];

export function currentMembership(event: RequestEvent): Membership | null {
  const memberships = event.locals.session?.memberships ?? [];
  if (memberships.length === 0) return null;
  const picked = event.cookies.get(BUSINESS_COOKIE);
  const found = memberships.find((m) => m.businessId === picked);
  if (found) return found;
  if (memberships.length > 1) {
    event.cookies.set(BUSINESS_COOKIE, memberships[0]!.businessId, { path: "/", httpOnly: true, sameSite: "lax", secure: event.url.protocol === "https:" });
  }
  return memberships[0]!;
}

export function pickBusiness(event: RequestEvent, businessId: string): void {
  event.cookies.set(BUSINESS_COOKIE, businessId, { path: "/", httpOnly: true, sameSite: "lax", secure: event.url.protocol === "https:", maxAge: 365 * 86400 });
}

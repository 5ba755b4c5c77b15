// A business's profile as its owners write it (name, contact, time zone, opening hours),
// checked for what the API's schema cannot see — a real time zone, hours that open before they
// close — and turned into row data, for creating and updating a business alike.
import type { Prisma } from "@prisma/client";
import { AppError } from "../errors.ts";
import { isValidTimeZone, WeeklyHoursSchema } from "./hours.ts";

export interface BusinessProfile {
  name?: string;
  description?: string;
  website?: string | null;
  industry?: string | null;
  address?: string | null;
  contactEmail?: string | null;
  timezone?: string;
  /** Weekly opening hours, `{ mon: [["09:00", "17:00"]], … }`; checked here. */
  hours?: unknown;
  isActive?: boolean;
}

/** Row data for the fields given; a bad time zone or bad hours is a validation error naming each field. */
export function businessProfileData(input: BusinessProfile): Prisma.BusinessUpdateInput {
  const problems: { path: string; message: string }[] = [];
  if (input.timezone !== undefined && !isValidTimeZone(input.timezone)) {
    problems.push({ path: "body.timezone", message: "must be an IANA time zone such as Europe/Paris" });
  }
  if (input.hours !== undefined) {
    const parsed = WeeklyHoursSchema.safeParse(input.hours);
    if (!parsed.success) for (const i of parsed.error.issues) problems.push({ path: ["body.hours", ...i.path].join("."), message: i.message });
  }
  if (problems.length) {
    const userMessage = problems.map((p) => `${p.path} ${p.message}`).join("; ");
    throw new AppError("validation_failed", { message: `business profile refused: ${userMessage}`, userMessage, errors: problems });
  }
  const data: Prisma.BusinessUpdateInput = {};
  if (input.name !== undefined) data.name = input.name.trim() || input.name;
  if (input.description !== undefined) data.description = input.description;
  if (input.website !== undefined) data.website = input.website;
  if (input.industry !== undefined) data.industry = input.industry;
  if (input.address !== undefined) data.address = input.address;
  if (input.contactEmail !== undefined) data.contactEmail = input.contactEmail;
  if (input.timezone !== undefined) data.timezone = input.timezone;
  if (input.hours !== undefined) data.hours = input.hours as Prisma.InputJsonValue;
  if (input.isActive !== undefined) data.isActive = input.isActive;
  return data;
}

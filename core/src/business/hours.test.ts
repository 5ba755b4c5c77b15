import { describe, expect, it } from "vitest";
import { isOpen, WeeklyHoursSchema } from "./hours.ts";

const hours = WeeklyHoursSchema.parse({ mon: [["09:00", "17:00"]], sat: [["10:00", "12:00"], ["13:00", "15:00"]] });

describe("business hours", () => {
  it("is open inside the day's ranges in the business's time zone, closed outside", () => {
    // Monday 2026-11-23 16:30 UTC = 08:30 in Los Angeles (closed), 17:30 in Paris (closed)
    expect(isOpen(hours, "America/Los_Angeles", new Date("2026-11-23T16:30:00Z"))).toBe(false);
    expect(isOpen(hours, "America/Los_Angeles", new Date("2026-11-23T17:30:00Z"))).toBe(true);
    expect(isOpen(hours, "Europe/Paris", new Date("2026-11-23T16:30:00Z"))).toBe(false);
    expect(isOpen(hours, "Europe/Paris", new Date("2026-11-23T15:59:00Z"))).toBe(true);
  });

  it("handles split days and days with no hours", () => {
    expect(isOpen(hours, "UTC", new Date("2026-11-28T12:30:00Z"))).toBe(false); // Saturday lunch
    expect(isOpen(hours, "UTC", new Date("2026-11-28T13:30:00Z"))).toBe(true);
    expect(isOpen(hours, "UTC", new Date("2026-11-29T12:00:00Z"))).toBe(false); // Sunday
  });

  it("a business with no hours set is always open", () => {
    expect(isOpen({}, "UTC", new Date("2026-11-29T03:00:00Z"))).toBe(true);
  });

  it("rejects malformed ranges with a clear message", () => {
    expect(() => WeeklyHoursSchema.parse({ mon: [["17:00", "09:00"]] })).toThrow(/before closing/);
    expect(() => WeeklyHoursSchema.parse({ mon: [["9am", "5pm"]] })).toThrow(/HH:MM/);
    expect(() => WeeklyHoursSchema.parse({ funday: [] })).toThrow();
  });
});

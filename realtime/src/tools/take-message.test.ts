import { describe, expect, it } from "vitest";
import { normaliseCallbackNumber, takeMessage } from "./take-message.ts";

describe("take_message arguments", () => {
  it("keeps a callback number's digits (and a leading +) as the caller said it", () => {
    expect(normaliseCallbackNumber("+1 (555) 010-2030")).toBe("+15550102030");
    expect(normaliseCallbackNumber("555 010 2030")).toBe("5550102030");
    expect(normaliseCallbackNumber(" 07700.900123 ")).toBe("07700900123");
  });

  it("refuses what is not a phone number", () => {
    for (const bad of ["call me maybe", "123", "+1 555 0100 2030 4050 6", "555-CALL-NOW", "", "browser"]) expect(normaliseCallbackNumber(bad)).toBeNull();
  });

  it("needs a name and a message; the number may be left out", () => {
    expect(takeMessage.parse({ name: "Ana", message: "Call me" })).toEqual({ name: "Ana", message: "Call me" });
    expect(() => takeMessage.parse({ name: " ", message: "Call me" })).toThrow(/name/);
    expect(() => takeMessage.parse({ name: "Ana" })).toThrow(/message/);
  });
});

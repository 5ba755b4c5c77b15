import { describe, expect, it } from "vitest";
import { DEFAULT_AGENT_CONFIG, personalise } from "./agent-config.ts";
import { callBrief, layerCallBrief } from "./instructions.ts";

describe("an outbound call's voicemail message", () => {
  const brief = (voicemailMessage: string | null) =>
    callBrief({ purpose: "reminder", instructions: null, variables: { name: "Sam", time: "3 pm" }, voicemailMessage });

  it("is the business's, with {business} and the call's variables filled in; unknown placeholders stay", () => {
    const agent = layerCallBrief({ ...DEFAULT_AGENT_CONFIG, voicemailMessage: "Hi {name}, {business} here about {time} and {room}." }, brief(null));
    expect(personalise(agent.voicemailMessage, "Maple Clinic")).toBe("Hi Sam, Maple Clinic here about 3 pm and {room}.");
  });

  it("is the call's own when it gave one", () => {
    const agent = layerCallBrief(DEFAULT_AGENT_CONFIG, brief("{name}, please call {business} back."));
    expect(personalise(agent.voicemailMessage, "Maple Clinic")).toBe("Sam, please call Maple Clinic back.");
  });

  it("defaults to a message naming the business", () => {
    expect(personalise(DEFAULT_AGENT_CONFIG.voicemailMessage, "Maple Clinic")).toContain("this is Maple Clinic calling");
  });
});

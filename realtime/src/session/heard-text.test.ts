import { describe, expect, it } from "vitest";
import { cutToHeard } from "./heard-text.ts";

describe("what the caller heard of an interrupted utterance", () => {
  const text = "Our Saturday hours are eight until two";
  it("keeps the words covered by the audio heard, never half a word", () => {
    expect(cutToHeard(text, 500, 1000)).toBe("Our Saturday hours");
    expect(cutToHeard(text, 990, 1000)).toBe("Our Saturday hours are eight until");
  });
  it("keeps everything when all was heard and nothing when nothing was", () => {
    expect(cutToHeard(text, 1000, 1000)).toBe(text);
    expect(cutToHeard(text, 0, 1000)).toBe("");
    expect(cutToHeard(text, 10, 1000)).toBe("");
  });
});

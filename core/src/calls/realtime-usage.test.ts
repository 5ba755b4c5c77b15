import { describe, expect, it } from "vitest";
import { parseRealtimeUsage } from "./realtime-usage.ts";

describe("realtime usage", () => {
  it("reads a response.done usage block and prices it (cached input at the cached rate)", () => {
    const u = parseRealtimeUsage({
      total_tokens: 1300,
      input_tokens: 1000,
      output_tokens: 300,
      input_token_details: { text_tokens: 400, audio_tokens: 600, cached_tokens: 100 },
      output_token_details: { text_tokens: 50, audio_tokens: 250 },
    });
    expect(u).toEqual({ inputTokens: 1000, outputTokens: 300, inputAudioTokens: 600, outputAudioTokens: 250, inputCachedTokens: 100, costUsdMicros: 400 * 4 + 500 * 32 + 100 * 0.4 + 50 * 16 + 250 * 64 });
  });

  it("treats a missing or malformed usage block as zero", () => {
    expect(parseRealtimeUsage(undefined).costUsdMicros).toBe(0);
    expect(parseRealtimeUsage({ input_tokens: "12", output_tokens: -3 })).toMatchObject({ inputTokens: 0, outputTokens: 0 });
  });
});

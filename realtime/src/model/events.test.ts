import { describe, expect, it } from "vitest";
import { readAudioDelta } from "./events.ts";

const frame = (o: Record<string, unknown>) => Buffer.from(JSON.stringify(o));

describe("reading model audio deltas without JSON.parse", () => {
  it("picks the ids and audio out of GA and beta delta events", () => {
    const ga = { type: "response.output_audio.delta", event_id: "e1", response_id: "resp_1", item_id: "item_1", output_index: 0, content_index: 0, delta: "AAEC/w==" };
    expect(readAudioDelta(frame(ga))).toEqual({ responseId: "resp_1", itemId: "item_1", delta: Buffer.from("AAEC/w==") });
    expect(readAudioDelta(frame({ ...ga, type: "response.audio.delta" }))).toEqual({ responseId: "resp_1", itemId: "item_1", delta: Buffer.from("AAEC/w==") });
  });
  it("leaves other events, and deltas with escapes, to the JSON parser", () => {
    expect(readAudioDelta(frame({ type: "response.output_audio_transcript.delta", response_id: "r", item_id: "i", delta: "hi" }))).toBeNull();
    expect(readAudioDelta(Buffer.from('{"type":"response.output_audio.delta","response_id":"r","item_id":"i","delta":"AA\\/w=="}'))).toBeNull();
  });
});

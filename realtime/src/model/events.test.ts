import { describe, expect, it } from "vitest";
import { AudioDeltaReader, readAudioDelta } from "./events.ts";

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
  it("one socket's reader follows the ids as they change, whatever their length or place in the frame", () => {
    const reader = new AudioDeltaReader();
    const delta = (responseId: string, itemId: string, eventId = "event_1") =>
      reader.read(frame({ type: "response.output_audio.delta", event_id: eventId, response_id: responseId, item_id: itemId, output_index: 0, content_index: 0, delta: "AAEC" }));
    expect(delta("resp_1", "item_1")).toMatchObject({ responseId: "resp_1", itemId: "item_1" });
    expect(delta("resp_1", "item_1")).toMatchObject({ responseId: "resp_1", itemId: "item_1" });
    expect(delta("resp_1", "item_2")).toMatchObject({ responseId: "resp_1", itemId: "item_2" });
    expect(delta("resp_1", "item_22")).toMatchObject({ itemId: "item_22" }); // the old id is a prefix of the new
    expect(delta("resp_1", "item_2")).toMatchObject({ itemId: "item_2" }); // ... and the other way round
    expect(delta("resp_2", "item_3", "event_1234567")).toMatchObject({ responseId: "resp_2", itemId: "item_3" }); // moved along
    expect(reader.read(frame({ item_id: "item_4", delta: "AAEC", type: "response.output_audio.delta", response_id: "resp_3" }))).toEqual({ responseId: "resp_3", itemId: "item_4", delta: Buffer.from("AAEC") });
  });
});

import { describe, expect, it, vi, afterEach } from "vitest";
import { AgentPlayback, joinBase64, type ItemHeard } from "./playback.ts";

/** n ms of μ-law audio as base64 (8 bytes a ms). */
const audio = (ms: number, fill = 0x55) => Buffer.alloc(ms * 8, fill).toString("base64");
const ms = (b64: string) => Buffer.from(b64, "base64").length / 8;

function setup(opts: ConstructorParameters<typeof AgentPlayback>[1] = {}) {
  let now = 0;
  const sent: ({ audio: number } | { mark: string } | { clear: true })[] = [];
  const heard: ItemHeard[] = [];
  const p = new AgentPlayback(
    { sendAudio: (b) => sent.push({ audio: ms(b) }), mark: (n) => sent.push({ mark: n }), clearAudio: () => sent.push({ clear: true }) },
    { clock: () => now, ...opts },
  );
  p.onItemHeard = (h) => heard.push(h);
  return { p, sent, heard, advance: (d: number) => (now += d), marks: () => sent.flatMap((s) => ("mark" in s ? [s.mark] : [])) };
}

afterEach(() => vi.useRealTimers());

describe("agent playback", () => {
  it("sends the first audio at once, then coalesces a burst into chunks of at most 100 ms", () => {
    vi.useFakeTimers();
    const { p, sent } = setup();
    p.onDelta("r1", "i1", audio(40));
    expect(sent).toEqual([{ audio: 40 }, { mark: "0.1.320" }]);
    for (let i = 0; i < 10; i++) p.onDelta("r1", "i1", audio(30));
    p.onItemAudioDone("i1");
    const chunks = sent.flatMap((s) => ("audio" in s ? [s.audio] : []));
    expect(chunks).toEqual([40, 30, 90, 90, 90]);
    const total = sent.reduce((t, s) => t + ("audio" in s ? s.audio : 0), 0);
    expect(total).toBe(340);
    // The end of the item is always marked.
    expect(sent.at(-1)).toEqual({ mark: "0.1.2720" });
  });

  it("does not hold audio back when the caller's queue is nearly empty (a real-time stream)", () => {
    const { p, sent, advance } = setup();
    for (let i = 0; i < 5; i++) {
      p.onDelta("r1", "i1", audio(20));
      advance(20);
    }
    expect(sent.filter((s) => "audio" in s)).toHaveLength(5);
    // ... while marking at least every 40 ms of audio.
    expect(sent.filter((s) => "mark" in s)).toHaveLength(2);
  });

  it("an item is heard once its audio is done and its last mark comes back", () => {
    const { p, heard, marks } = setup();
    p.onDelta("r1", "i1", audio(60));
    p.onItemAudioDone("i1");
    expect(p.outstanding).toBe(true);
    for (const m of marks()) p.onMark(m);
    expect(heard).toEqual([{ itemId: "i1", responseId: "r1", heardMs: 60, sentMs: 60, producedMs: 60, interrupted: false, firstSentAt: 0 }]);
    expect(p.outstanding).toBe(false);
  });

  it("a barge-in clears and reports the last echoed mark plus one frame, never more than was sent", () => {
    const { p, sent, heard, marks, advance } = setup();
    p.onDelta("r1", "i1", audio(60));
    advance(60);
    p.onDelta("r1", "i1", audio(60));
    const [first] = marks();
    p.onMark(first!); // 60 ms played
    const cut = p.interrupt();
    expect(sent.at(-1)).toEqual({ clear: true });
    expect(cut).toEqual([expect.objectContaining({ itemId: "i1", heardMs: 80, sentMs: 120, interrupted: true })]);
    expect(heard).toEqual(cut);
    // Late deltas of the interrupted response are dropped; marks echoed after the clear are ignored.
    expect(p.onDelta("r1", "i1", audio(20))).toBe(false);
    p.onMark(first!);
    expect(p.outstanding).toBe(false);
  });

  it("the next item starts from zero, however many came before", () => {
    const { p } = setup();
    for (let n = 1; n <= 8; n++) {
      p.onDelta(`r${n}`, `i${n}`, audio(200));
      const [cut] = p.interrupt();
      expect(cut).toMatchObject({ itemId: `i${n}`, heardMs: 20, sentMs: 200 });
    }
  });

  it("with nothing echoed, a barge-in says only the first frame was heard, capped by what was sent", () => {
    const { p } = setup();
    p.onDelta("r1", "i1", audio(10));
    expect(p.interrupt()[0]).toMatchObject({ heardMs: 10, sentMs: 10 });
  });

  it("nothing to interrupt when the agent has been heard in full", () => {
    const { p, sent, marks } = setup();
    p.onDelta("r1", "i1", audio(40));
    p.onResponseDone("r1");
    for (const m of marks()) p.onMark(m);
    const before = sent.length;
    expect(p.interrupt()).toEqual([]);
    expect(sent).toHaveLength(before);
  });

  it("joins base64 chunks, re-encoding only when padding is in the middle", () => {
    const a = Buffer.from([1, 2, 3]);
    const b = Buffer.from([4, 5]);
    const c = Buffer.from([6]);
    for (const parts of [[a, b], [b, c], [a, a, c]]) {
      expect(Buffer.from(joinBase64(parts.map((x) => x.toString("base64"))), "base64")).toEqual(Buffer.concat(parts));
    }
  });
});

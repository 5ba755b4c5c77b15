import { describe, expect, it, vi, afterEach } from "vitest";
import { AgentPlayback, base64Bytes, joinBase64, type Base64, type ItemHeard } from "./playback.ts";

/** n ms of μ-law audio as base64 (8 bytes a ms). */
const audio = (ms: number, fill = 0x55) => Buffer.alloc(ms * 8, fill).toString("base64");
const ms = (b64: Base64) => Buffer.from(typeof b64 === "string" ? b64 : b64.toString("latin1"), "base64").length / 8;

function setup(opts: ConstructorParameters<typeof AgentPlayback>[1] = {}) {
  let now = 0;
  const sent: ({ audio: number } | { mark: string } | { clear: true })[] = [];
  const heard: ItemHeard[] = [];
  const p = new AgentPlayback(
    {
      sendAudio: (b, mark) => {
        sent.push({ audio: ms(b) });
        if (mark !== undefined) sent.push({ mark });
      },
      mark: (n) => sent.push({ mark: n }),
      clearAudio: () => sent.push({ clear: true }),
    },
    { clock: () => now, ...opts },
  );
  p.onItemHeard = (h) => heard.push(h);
  return { p, sent, heard, advance: (d: number) => (now += d), marks: () => sent.flatMap((s) => ("mark" in s ? [s.mark] : [])) };
}

afterEach(() => vi.useRealTimers());
/** Lets the end-of-turn flush run. */
const endOfTurn = () => new Promise<void>((r) => queueMicrotask(r));

describe("agent playback", () => {
  it("sends audio at once until the phone has 300 ms unplayed, then in chunks of at most 100 ms", () => {
    const { p, sent } = setup({ holdWhileQueuedMs: 300 });
    for (let i = 0; i < 20; i++) p.onDelta("r1", "i1", audio(30)); // a burst, faster than real time
    p.onItemAudioDone("i1");
    const chunks = sent.flatMap((s) => ("audio" in s ? [s.audio] : []));
    expect(chunks).toEqual([...Array(10).fill(30), 90, 90, 90, 30]);
    // The end of the item is always marked.
    expect(sent.at(-1)).toEqual({ mark: "0.1.4800" });
  });

  it("does not hold back audio the caller is waiting for (a real-time stream)", async () => {
    const { p, sent, marks } = setup();
    for (let i = 0; i < 10; i++) {
      p.onDelta("r1", "i1", audio(20));
      await endOfTurn();
      expect(sent.filter((s) => "audio" in s)).toHaveLength(i + 1);
      for (const m of marks()) p.onMark(m); // a phone keeping up
    }
    // ... marking it every 100 ms, each mark riding with a media message.
    expect(marks()).toEqual(["0.1.800", "0.1.1600"]);
    expect(sent.filter((s) => "mark" in s).length).toBe(sent.filter((s, i) => "mark" in s && "audio" in (sent[i - 1] ?? {})).length);
  });

  it("while the phone has plenty unplayed, holds small deltas until they make a 100 ms chunk (or 100 ms pass)", async () => {
    vi.useFakeTimers();
    const { p, sent, marks } = setup({ holdWhileQueuedMs: 300 });
    for (let i = 0; i < 3; i++) {
      p.onDelta("r1", "i1", audio(100));
      await endOfTurn();
    }
    const before = sent.filter((s) => "audio" in s).length;
    p.onDelta("r1", "i1", audio(20));
    p.onDelta("r1", "i1", audio(20));
    await endOfTurn();
    expect(sent.filter((s) => "audio" in s)).toHaveLength(before); // 300 ms unplayed: held
    for (let i = 0; i < 3; i++) p.onDelta("r1", "i1", audio(20));
    expect(sent.filter((s) => "audio" in s).at(-1)).toEqual({ audio: 100 }); // a full chunk goes at once
    p.onDelta("r1", "i1", audio(20));
    vi.advanceTimersByTime(100);
    expect(sent.filter((s) => "audio" in s).at(-1)).toEqual({ audio: 20 }); // held no longer than 100 ms
    // Once the phone confirms it has played its queue down, held audio goes at once.
    p.onDelta("r1", "i1", audio(20));
    for (const m of marks()) p.onMark(m);
    expect(sent.filter((s) => "audio" in s).at(-1)).toEqual({ audio: 20 });
  });

  it("never holds a stream that arrives in real time, even when the phone's marks stop coming back", () => {
    const { p, sent, advance } = setup({ holdWhileQueuedMs: 300 });
    for (let i = 0; i < 50; i++) {
      p.onDelta("r1", "i1", audio(20)); // 1 s of audio, 20 ms at a time, no marks echoed
      advance(20);
    }
    expect(sent.filter((s) => "audio" in s)).toHaveLength(50);
  });

  it("marks the audio at most 100 ms apart, whatever sizes the model's deltas come in", async () => {
    vi.useFakeTimers();
    const { p, sent, marks, advance } = setup();
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 200; i++) {
      p.onDelta("r1", "i1", audio(5 + Math.floor(next() * 240))); // 5..245 ms: some longer than a mark interval
      if (next() < 0.3) vi.advanceTimersByTime(100); // sometimes held, sometimes not
      advance(Math.floor(next() * 60));
      if (next() < 0.5) for (const m of marks()) p.onMark(m);
    }
    p.onItemAudioDone("i1");
    // Walk what went out: the audio between consecutive marks (and before the first).
    let sinceMark = 0;
    let total = 0;
    const gaps: number[] = [];
    for (const s of sent) {
      if ("audio" in s) (sinceMark += s.audio), (total += s.audio);
      else if ("mark" in s) gaps.push(sinceMark), (sinceMark = 0);
    }
    expect(sinceMark).toBe(0); // the end of the item is marked
    expect(Math.max(...gaps)).toBeLessThanOrEqual(100);
    expect(gaps.filter((g) => g === 0)).toEqual([]); // no mark without audio before it
    expect(marks().at(-1)).toBe(`0.1.${total * 8}`);
  });

  it("a delta longer than a mark interval goes out in marked pieces of whole samples", async () => {
    const { p, sent } = setup();
    p.onDelta("r1", "i1", audio(250, 0x11));
    expect(sent).toEqual([{ audio: 99 }, { mark: "0.1.792" }, { audio: 99 }, { mark: "0.1.1584" }, { audio: 52 }]);
  });

  it("an item is heard once its audio is done and its last mark comes back", async () => {
    const { p, heard, marks } = setup();
    p.onDelta("r1", "i1", audio(60));
    await endOfTurn();
    p.onItemAudioDone("i1");
    expect(p.outstanding).toBe(true);
    for (const m of marks()) p.onMark(m);
    expect(heard).toEqual([{ itemId: "i1", responseId: "r1", heardMs: 60, sentMs: 60, producedMs: 60, interrupted: false, firstSentAt: 0 }]);
    expect(p.outstanding).toBe(false);
  });

  it("a barge-in clears and reports the last echoed mark plus one frame, never more than was sent", async () => {
    const { p, sent, heard, marks } = setup();
    p.onDelta("r1", "i1", audio(60));
    await endOfTurn();
    p.onDelta("r1", "i1", audio(60));
    await endOfTurn();
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

  it("the next item starts from zero, however many came before", async () => {
    const { p } = setup();
    for (let n = 1; n <= 8; n++) {
      p.onDelta(`r${n}`, `i${n}`, audio(200));
      await endOfTurn();
      const [cut] = p.interrupt();
      expect(cut).toMatchObject({ itemId: `i${n}`, heardMs: 20, sentMs: 200 });
    }
  });

  it("with nothing echoed, a barge-in says only the first frame was heard, capped by what was sent", async () => {
    const { p } = setup();
    p.onDelta("r1", "i1", audio(10));
    await endOfTurn();
    expect(p.interrupt()[0]).toMatchObject({ heardMs: 10, sentMs: 10 });
  });

  it("nothing to interrupt when the agent has been heard in full", async () => {
    const { p, sent, marks } = setup();
    p.onDelta("r1", "i1", audio(40));
    await endOfTurn();
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
    const decode = (j: Base64) => Buffer.from(typeof j === "string" ? j : j.toString("latin1"), "base64");
    for (const parts of [[a, b], [b, c], [a, a, c]]) {
      expect(decode(joinBase64(parts.map((x) => x.toString("base64"))))).toEqual(Buffer.concat(parts));
      // ... and as the bytes of the model's frames, as the relay passes them on.
      const asBytes = parts.map((x) => Buffer.from(x.toString("base64"), "latin1"));
      expect(decode(joinBase64(asBytes))).toEqual(Buffer.concat(parts));
      expect(base64Bytes(asBytes.at(-1)!)).toBe(parts.at(-1)!.length);
    }
  });
});

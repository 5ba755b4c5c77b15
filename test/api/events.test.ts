// The live view: a server-sent event stream of the business's calls, from any instance.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitCallEvent, type CallEvent } from "@frontdesk/core/calls/call-events";
import { SESSION_COOKIE } from "@frontdesk/core/auth/tokens";
import { createSecretKey, sessionFor, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
let api: Api;
let publisher: Api; // another instance, where the call happens
let mine: TestBusiness;
let theirs: TestBusiness;

beforeAll(async () => {
  [api, publisher] = [await startApi(), await startApi()];
  mine = await createTestBusiness(db, { plan: "enterprise" });
  theirs = await createTestBusiness(db, { plan: "enterprise" });
});
afterAll(async () => {
  await Promise.all([api.close(), publisher.close()]);
});

/** Opens the stream and collects parsed events until `count` arrived or the time is up. */
async function listen(headers: Record<string, string>, count: number, act: () => Promise<void>) {
  const controller = new AbortController();
  const res = await fetch(`${api.url}/v1/events`, { headers, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const events: { id: string; event: string; data: CallEvent }[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const deadline = setTimeout(() => controller.abort(), 5000);
  const reading = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields = Object.fromEntries(block.split("\n").filter((l) => !l.startsWith(":") && l.includes(": ")).map((l) => [l.slice(0, l.indexOf(": ")), l.slice(l.indexOf(": ") + 2)]));
          if (fields.data) events.push({ id: fields.id!, event: fields.event!, data: JSON.parse(fields.data) });
          if (events.length >= count) return controller.abort();
        }
      }
    } catch {
      /* aborted */
    }
  })();
  await act();
  await reading;
  clearTimeout(deadline);
  return events;
}

describe("live call events", () => {
  it("a dashboard session sees its business's call start, speak, end and get analysed, and nothing of another business", async () => {
    const session = await sessionFor(api, mine.owner);
    const emit = (businessId: string, type: CallEvent["type"], data: Record<string, unknown>) =>
      emitCallEvent({ db, cache: publisher.cache }, { type, businessId, callId: "call_live1", data });
    const events = await listen({ cookie: `${SESSION_COOKIE}=${session.cookie}` }, 4, async () => {
      await emit(theirs.business.id, "call.started", { from: "+15550000000" });
      await emit(mine.business.id, "call.started", { from: "+14155550101" });
      await emit(mine.business.id, "call.transcript", { role: "caller", text: "Do you have gluten-free bread?" });
      await emit(theirs.business.id, "call.ended", {});
      await emit(mine.business.id, "call.ended", { durationSec: 42 });
      await emit(mine.business.id, "call.analysed", { sentiment: "positive" });
    });
    expect(events.map((e) => e.event)).toEqual(["call.started", "call.transcript", "call.ended", "call.analysed"]);
    expect(events.every((e) => e.data.businessId === mine.business.id)).toBe(true);
    expect(events[1]!.data.data).toEqual({ role: "caller", text: "Do you have gluten-free bread?" });
    expect(events[0]!.id).toBe(events[0]!.data.id);
  });

  it("a key with calls:read may stream; without it, 403", async () => {
    const { key } = await createSecretKey(mine.business, ["calls:read"]);
    const events = await listen({ authorization: `Bearer ${key}` }, 1, async () => {
      await emitCallEvent({ db, cache: publisher.cache }, { type: "message.taken", businessId: mine.business.id, callId: "call_live2", data: {} });
    });
    expect(events.map((e) => e.event)).toEqual(["message.taken"]);
    const { key: weak } = await createSecretKey(mine.business, ["usage:read"]);
    expect((await fetch(`${api.url}/v1/events`, { headers: { authorization: `Bearer ${weak}` } })).status).toBe(403);
  });
});

// Two APIs and two relays as separate processes on one Postgres and one Redis, as production
// runs them behind a load balancer: a business's rate limit holds across both APIs, a key
// revoked on one API is refused on the other within a second, the plan's concurrent-call cap
// holds across both relays, and a relay draining on SIGTERM finishes its live call while a
// new call is answered by the other.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { csrfTokenFor } from "@frontdesk/core/auth/tokens";
import { createSessionStore } from "@frontdesk/api/auth/session-store";
import { createCache, type Cache } from "@frontdesk/core/cache/index";
import { changePlan } from "@frontdesk/core/billing/change-plan";
import { SYSTEM_ACTOR } from "@frontdesk/core/audit/record-audit";
import { createTestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";
import { createSecretKey } from "../api/support/api-harness.ts";
import { startRealtimeStandIn, type RealtimeStandIn } from "../stand-ins/openai-realtime.ts";
import { TwilioSimulator, sid } from "../stand-ins/twilio-simulator.ts";
import { PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN } from "../call-path/harness.ts";
import { freePort, killAll, startProcess, waitForStatus, type Proc } from "./support/processes.ts";

let model: RealtimeStandIn;
/** The processes' shared cache, as a billing webhook on any instance would use it. */
let cache: Cache;
const apis: { proc: Proc; url: string }[] = [];
const relays: { proc: Proc; url: string }[] = [];

beforeAll(async () => {
  model = await startRealtimeStandIn({});
  // The run's database (no process here claims jobs: API_JOB_WORKER=off) and one Redis prefix for all four.
  const prefix = `${process.env.CACHE_PREFIX}multi-${randomBytes(3).toString("hex")}:`;
  cache = createCache({ redisUrl: process.env.REDIS_URL, cachePrefix: prefix });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CACHE_PREFIX: prefix,
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    API_JOB_WORKER: "off",
    PUBLIC_BASE_URL,
    TWILIO_AUTH_TOKEN,
    TWILIO_ACCOUNT_SID: "",
    OPENAI_API_KEY: "sk-test-realtime",
    OPENAI_REALTIME_URL: model.url,
  };
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    apis.push({ proc: startProcess(["api/src/main.ts"], { ...env, PORT: String(port) }), url: `http://127.0.0.1:${port}` });
    const rport = await freePort();
    // At info: the relay's access log is asserted below.
    relays.push({ proc: startProcess(["realtime/src/main.ts"], { ...env, LOG_LEVEL: "info", PORT: String(rport) }), url: `http://127.0.0.1:${rport}` });
  }
  for (const p of [...apis, ...relays]) await waitForStatus(`${p.url}/readyz`, p.proc, 200, 120_000);
}, 180_000);

afterAll(async () => {
  await killAll();
  await model?.close();
  await cache?.close();
});

const get = (url: string, key: string) => fetch(url, { headers: { authorization: `Bearer ${key}` } });

describe("two APIs on one Redis", () => {
  it("hold one business's rate limit across both instances", async () => {
    const { business } = await createTestBusiness(testDb(), { plan: "free" }); // 120 requests a minute
    const { key } = await createSecretKey(business, ["business:read", "calls:read"]);
    const first = await get(`${apis[0]!.url}/v1/calls`, key);
    expect(first.status).toBe(200);
    // Start the burst well inside one window, so no reset falls in the middle of it.
    const reset = Number(/; t=(\d+)/.exec(first.headers.get("ratelimit") ?? "")?.[1]);
    expect(reset).toBeGreaterThan(0);
    if (reset < 20) await new Promise((r) => setTimeout(r, (reset + 1) * 1000));
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) {
      const res = await get(`${apis[i % 2]!.url}/v1/calls`, key);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    const ok = statuses.filter((s) => s === 200).length + (reset < 20 ? 0 : 1);
    // One shared counter: 120 in all, not 120 per instance.
    expect(ok).toBeLessThanOrEqual(120);
    expect(ok).toBeGreaterThanOrEqual(100);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30);
    // Both instances refuse once the business is over its limit.
    expect(statuses.slice(-2).sort()).toEqual([429, 429]);
  }, 90_000);

  it("refuse a key revoked on the other instance within a second", async () => {
    const { business, owner } = await createTestBusiness(testDb());
    const { id, key } = await createSecretKey(business, ["business:read", "calls:read"]);
    // The second API has seen (and cached) the key.
    expect((await get(`${apis[1]!.url}/v1/calls`, key)).status).toBe(200);

    const session = await createSessionStore(testDb()).create(owner.id, {});
    const revoke = await fetch(`${apis[0]!.url}/v1/api-keys/${id}`, {
      method: "DELETE",
      headers: { cookie: `fd_session=${session.token}`, "x-csrf-token": csrfTokenFor(session.tokenHash, process.env.APP_SECRET!), "frontdesk-business": business.id },
    });
    expect(revoke.status, await revoke.clone().text()).toBeLessThan(300);
    const revokedAt = Date.now();
    let status = 200;
    while (Date.now() - revokedAt < 3000) {
      status = (await get(`${apis[1]!.url}/v1/calls`, key)).status;
      if (status === 401) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
  }, 30_000);

  it("apply a plan change made elsewhere within a second", async () => {
    const { business } = await createTestBusiness(testDb(), { plan: "free" });
    const { key } = await createSecretKey(business, ["business:read", "calls:read"]);
    const quota = async () => /q=(\d+)/.exec((await get(`${apis[1]!.url}/v1/calls`, key)).headers.get("ratelimit-policy") ?? "")?.[1];
    expect(await quota()).toBe("120"); // cached with the key on this instance now
    await changePlan({ db: testDb(), cache }, business.id, { plan: "starter", actor: SYSTEM_ACTOR, reason: "multi-instance test" });
    const changedAt = Date.now();
    let q: string | undefined;
    while (Date.now() - changedAt < 3000 && (q = await quota()) !== "600") await new Promise((r) => setTimeout(r, 25));
    expect(q).toBe("600");
    expect(Date.now() - changedAt).toBeLessThan(1000);
  }, 30_000);
});

describe("two relays on one Redis", () => {
  it("hold the plan's concurrent-call cap across both instances", async () => {
    const biz = await createTestBusiness(testDb(), { plan: "free", agent: { greeting: "Hello." } }); // 2 calls at once
    const [one, two] = relays.map((r) => new TwilioSimulator({ relayUrl: r.url, publicBaseUrl: PUBLIC_BASE_URL, authToken: TWILIO_AUTH_TOKEN }));
    const a = await one!.call({ to: biz.phone.e164, speed: 4 });
    const b = await two!.call({ to: biz.phone.e164, speed: 4 });
    expect(a.twiml?.stream).toBeTruthy();
    expect(b.twiml?.stream).toBeTruthy();
    for (const sim of [one!, two!]) {
      const third = await sim.postVoice({ callSid: sid("CA"), from: "+15550002222", to: biz.phone.e164 });
      expect(third.twiml).toMatchObject({ stream: null, hangup: true });
    }
    // Each webhook has its access-log line, joined to the call by its sid.
    const line = relays[0]!.proc.output().split("\n").find((l) => l.includes(a.callSid) && l.includes('"msg":"request"'));
    expect(JSON.parse(line!)).toMatchObject({ callSid: a.callSid, method: "POST", path: "/twilio/voice", status: 200 });
    await a.hangUp();
    // A place freed on one relay is usable on the other.
    const c = await new Promise<Awaited<ReturnType<TwilioSimulator["call"]>>>((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      const attempt = async () => {
        const call = await two!.call({ to: biz.phone.e164, speed: 4 });
        if (call.twiml?.stream) return resolve(call);
        if (Date.now() > deadline) return reject(new Error("the freed place never came back"));
        setTimeout(() => void attempt().catch(reject), 200);
      };
      void attempt().catch(reject);
    });
    await b.hangUp();
    await c.hangUp();
  }, 60_000);

  it("a relay draining on SIGTERM finishes its live call while a new call is answered by the other", async () => {
    const biz = await createTestBusiness(testDb(), { plan: "pro", agent: { greeting: "Hello from the draining relay." } });
    const [draining, other] = relays;
    const sim1 = new TwilioSimulator({ relayUrl: draining!.url, publicBaseUrl: PUBLIC_BASE_URL, authToken: TWILIO_AUTH_TOKEN });
    const sim2 = new TwilioSimulator({ relayUrl: other!.url, publicBaseUrl: PUBLIC_BASE_URL, authToken: TWILIO_AUTH_TOKEN });
    const live = await sim1.call({ to: biz.phone.e164, speed: 4 });
    await live.waitForHeard(200);

    draining!.proc.child.kill("SIGTERM");
    await waitForStatus(`${draining!.url}/readyz`, undefined, 503, 10_000);
    // The load balancer sends the next call to the ready relay, which answers it.
    expect((await fetch(`${other!.url}/readyz`)).status).toBe(200);
    const fresh = await sim2.call({ to: biz.phone.e164, speed: 4 });
    expect(fresh.twiml?.stream).toBeTruthy();
    await fresh.waitForHeard(200);

    // The draining relay has not dropped its call: the caller is still connected.
    await new Promise((r) => setTimeout(r, 500));
    expect(live.closeCode).toBeUndefined();
    expect(draining!.proc.child.exitCode).toBeNull();
    await live.hangUp();
    expect(await draining!.proc.exited, draining!.proc.output()).toBe(0);
    await fresh.hangUp();
  }, 90_000);
});

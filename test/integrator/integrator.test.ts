// The contract as an integrator meets it: test/integrator/integrator.ts, a program that uses
// only the client generated from openapi.yaml, runs in its own process against a live API
// through a recording proxy. Its report must match the database (another business's calls in
// the same hours never show), and every exchange the proxy saw must keep the contract: a key
// sent as a bearer token and never as a cookie, a declared status, the promised headers
// declared where they are sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import type { CallLog } from "@prisma/client";
import { createJobWorker, type JobWorker } from "@frontdesk/core/jobs/job-queue";
import { emitCallEvent } from "@frontdesk/core/calls/call-events";
import type { CallEvent as ContractEvent } from "../../api/src/generated/client/index.ts";
import { eventually } from "../call-path/harness.ts";
import { jobHandlers } from "../../api/src/worker.ts";
import { loadSpec, matchOperation } from "../../api/src/spec/spec.ts";
import { createSecretKey, startApi, type Api } from "../api/support/api-harness.ts";
import { seedCalls } from "../api/support/call-data.ts";
import { headerProblems } from "../api/support/declared-headers.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testCache, testConfig, testDb, testLogger } from "../support/services.ts";
import type { IntegratorReport } from "./integrator.ts";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
const SCRIPT = new URL("./integrator.ts", import.meta.url).pathname;
const db = testDb();
const spec = loadSpec();

interface Exchange {
  method: string;
  path: string;
  requestHeaders: Record<string, string | string[] | undefined>;
  status: number;
  responseHeaders: Headers;
}

/** Forwards every request to the API and remembers what went each way. */
async function recordingProxy(target: string): Promise<{ url: string; exchanges: Exchange[]; close(): Promise<void> }> {
  const exchanges: Exchange[] = [];
  const server: Server = createServer((req, res) => {
    const upstream = request(new URL(req.url!, target), { method: req.method, headers: req.headers }, (answer) => {
      const responseHeaders = new Headers();
      for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined) responseHeaders.set(k, Array.isArray(v) ? v.join(", ") : v);
      exchanges.push({ method: req.method!, path: new URL(req.url!, target).pathname, requestHeaders: req.headers, status: answer.statusCode!, responseHeaders });
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function runIntegrator(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    execFile(process.execPath, ["--import", "tsx", SCRIPT], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolveRun({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let api: Api;
let worker: JobWorker;
const workerCache = testCache();
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let mine: TestBusiness;
let theirs: TestBusiness;
let calls: CallLog[];
let run: { code: number; stdout: string; stderr: string };
let report: IntegratorReport;

beforeAll(async () => {
  mine = await createTestBusiness(db, { plan: "enterprise", name: "Corner Garage" });
  theirs = await createTestBusiness(db, { plan: "enterprise" });
  const until = new Date(Date.now() - 60_000);
  calls = await seedCalls(mine.business, mine.phone.e164, { count: 23, until, spacingMs: 60_000 });
  await seedCalls(theirs.business, theirs.phone.e164, { count: 9, until, spacingMs: 60_000 });
  // The API process's own job worker (here limited to this business) indexes the new document.
  const config = testConfig();
  worker = createJobWorker({
    db,
    logger: testLogger("jobs"),
    handlers: jobHandlers({ config, db, cache: workerCache, logger: testLogger("jobs") }),
    businessIds: [mine.business.id],
    pollMs: 200,
  });
  api = await startApi({ onJobsQueued: () => worker.kick() });
  proxy = await recordingProxy(api.url);
  const { key } = await createSecretKey(mine.business, ["knowledge:write", "calls:read", "usage:read"]);
  const running = runIntegrator({ FRONTDESK_API_URL: proxy.url, FRONTDESK_API_KEY: key });
  // Once its live stream is open, a call happens: at another business, then at its own.
  await eventually(async () => proxy.exchanges.some((x) => x.path === "/v1/events" && x.status === 200), 20_000, "the stream to open");
  const emit = (businessId: string, event: DistributiveOmit<ContractEvent, "id" | "at" | "businessId">) =>
    emitCallEvent({ db, cache: workerCache }, { ...event, businessId } as Parameters<typeof emitCallEvent>[1]);
  await emit(theirs.business.id, { type: "call.started", callId: "call_theirs1", data: { callSid: "CAtheirs", from: "+15550000000", to: theirs.phone.e164, direction: "inbound" } });
  await emit(mine.business.id, { type: "call.started", callId: "call_live1", data: { callSid: "CAlive1", from: "+14155550101", to: mine.phone.e164, direction: "inbound" } });
  await emit(mine.business.id, { type: "call.transcript", callId: "call_live1", data: { callSid: "CAlive1", sequence: 1, role: "caller", text: "Can you call me back?", startMs: 2600 } });
  await emit(mine.business.id, {
    type: "message.taken", callId: "call_live1",
    data: { messageId: "msg_live1", callSid: "CAlive1", callerName: "Jordan Lee", callbackNumber: "+14155550101", message: "About the brakes." },
  });
  run = await running;
  expect(run.code, run.stderr).toBe(0);
  report = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as IntegratorReport;
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await api?.close();
  await worker?.stop();
  await workerCache.close();
});

describe("an integrator with the generated client", () => {
  it("imports nothing of ours but the generated client", () => {
    const imports = [...readFileSync(SCRIPT, "utf8").matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
    expect(imports.length).toBeGreaterThan(0);
    for (const from of imports) expect(from).toMatch(/^\.\.\/\.\.\/api\/src\/generated\/client\//);
  });

  it("pages through every call of its business once, newest first, and filters by outcome", () => {
    const newestFirst = [...calls].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
    expect(report.calls.ids).toEqual(newestFirst.map((c) => c.id));
    expect(report.calls.pages).toBe(Math.ceil(calls.length / 7));
    expect(report.calls.messageTakenIds).toEqual(newestFirst.filter((c) => c.outcome === "message_taken").map((c) => c.id));
    expect(report.calls.costUsdMicros).toBe(calls.reduce((sum, c) => sum + c.costUsdMicros, 0));
  });

  it("creates a knowledge document once (the retry is a replay), sees it indexed and finds it by search", () => {
    expect(report.knowledge.id).toMatch(/^kn_/);
    expect(report.knowledge.replayedId).toBe(report.knowledge.id);
    expect(report.knowledge.replayed).toBe(true);
    expect(report.knowledge.status).toBe("indexed");
    expect(report.knowledge.hits[0]).toEqual({ contentId: report.knowledge.id, title: "Winter opening hours" });
  });

  it("reads its usage for the day", () => {
    expect(report.usage).toEqual({
      calls: calls.length,
      callSeconds: calls.reduce((sum, c) => sum + (c.durationSec ?? 0), 0),
      costUsdMicros: calls.reduce((sum, c) => sum + c.costUsdMicros, 0),
      plan: "enterprise",
    });
  });

  it("gets a typed 404 and a typed 400 problem", () => {
    expect(report.notFound).toEqual({ status: 404, code: "not_found", requestId: expect.stringMatching(/^req_/) });
    expect(report.badRequest).toMatchObject({ status: 400, code: "validation_failed" });
    expect(report.badRequest.errors.map((e) => e.path)).toContain("query.limit");
  });

  it("follows its business's live calls as typed events, and nothing of another business", () => {
    expect(report.events).toEqual([
      "call.started call.started inbound",
      "call.transcript call.transcript caller: Can you call me back?",
      "message.taken message.taken call Jordan Lee back on +14155550101",
    ]);
  });

  it("sent its key as a bearer token on every request and never as a cookie", () => {
    expect(proxy.exchanges.length).toBeGreaterThan(8);
    for (const x of proxy.exchanges) {
      expect(x.requestHeaders.authorization, `${x.method} ${x.path}`).toMatch(/^Bearer sk_live_/);
      expect(x.requestHeaders.cookie, `${x.method} ${x.path}`).toBeUndefined();
    }
  });

  it("every answer had a declared status and declared the promised headers it carried", () => {
    const problems: string[] = [];
    for (const x of proxy.exchanges) {
      const match = matchOperation(spec, x.method, x.path);
      if (!match.op) {
        problems.push(`${x.method} ${x.path} is no operation`);
        continue;
      }
      const responses = match.op.raw.responses as Record<string, unknown>;
      // A success must be declared as such; an error may fall under `default`.
      if (!(String(x.status) in responses) && (x.status < 400 || !("default" in responses))) problems.push(`${match.op.operationId} answered an undeclared ${x.status}`);
      problems.push(...headerProblems(spec, match.op, x.status, x.responseHeaders));
      if (!x.responseHeaders.has("ratelimit") || !x.responseHeaders.has("ratelimit-policy")) problems.push(`${match.op.operationId} ${x.status} without RateLimit headers`);
    }
    expect(problems).toEqual([]);
    expect(proxy.exchanges.some((x) => x.responseHeaders.get("idempotent-replayed") === "true")).toBe(true);
  });
});

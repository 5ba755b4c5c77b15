// Every read in the spec, tried by two businesses whose data lies in the same time windows
// (calls in the same hours, documents, keys, members and hooks made side by side): each sees
// its own rows — lists are not empty — and never a row, id or word of the other. Aggregates
// (analytics, usage, indexing status) count the caller's rows only. Generated from
// openapi.yaml: a new GET operation is covered without writing anything.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import type { CallLog } from "@prisma/client";
import { forBusiness, TENANT_MODEL_KEYS, tenantDb } from "@frontdesk/core/db/tenant";
import { API_KEY_SCOPES } from "@frontdesk/core/auth/api-keys";
import { inviteMember } from "@frontdesk/core/business/invite-member";
import { newWebhookSecret } from "@frontdesk/core/webhooks/signature";
import { acceptedSchemes, loadSpec, type SpecOperation } from "../../api/src/spec/spec.ts";
import { addMember, call, createSecretKey, createWidgetKey, sessionFor, startApi, type Api, type Credentials } from "./support/api-harness.ts";
import { seedCalls } from "./support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testConfig, testDb } from "../support/services.ts";
import { startTwilioRestStandIn, type TwilioRestStandIn } from "../stand-ins/twilio-rest.ts";

const spec = loadSpec();
const db = testDb();
const RUN = randomBytes(4).toString("hex");
const SITE = "https://isolation.example";

interface Seeded {
  marker: string;
  t: TestBusiness;
  calls: CallLog[];
  documents: number;
  owner: { cookie: string; csrf: string };
  widgetKey: string;
  ids: Record<string, string>;
  /** Every id of every row this business owns, and the words only it wrote. */
  secrets: Set<string>;
}

let api: Api;
/** Twilio's REST API, where each business's recording is kept (getCallRecording streams it from here). */
let twilioRest: TwilioRestStandIn;
let A: Seeded;
let B: Seeded;

/** A business with a row of every kind; `offsetMs` interleaves its calls with the other's. */
async function seedBusiness(name: string, offsetMs: number): Promise<Seeded> {
  const marker = `${name.toUpperCase()}-ONLY-${RUN}`;
  const docs = [
    { title: `${marker} parking`, content: `${marker}: parking is free behind the shop`, isPublic: true },
    { title: `${marker} hours`, content: `${marker}: open nine to five`, isPublic: true },
  ];
  const t = await createTestBusiness(db, { name: `${name} ${marker}`, plan: "enterprise", description: marker, knowledge: docs });
  const scoped = tenantDb(db, t.business.id);
  const viewer = await addMember(t.business, "viewer");
  // Calls in the last hours, in the same hours as the other business's.
  const calls = await seedCalls(t.business, t.phone.e164, { count: 6, until: new Date(Date.now() - offsetMs), spacingMs: 3_600_000, withTranscript: true, summaryMarker: marker });
  const { invite } = await inviteMember(scoped, { email: `invitee-${marker.toLowerCase()}@example.test`, role: "viewer", invitedById: null, at: new Date() });
  const key = await createSecretKey(t.business, API_KEY_SCOPES);
  const widget = await createWidgetKey(t.business, [SITE]);
  const endpoint = await scoped.webhookEndpoint.create({
    data: { businessId: t.business.id, url: "https://hooks.example.com/isolation", description: marker, events: ["call.ended"], secret: newWebhookSecret() },
  });
  await scoped.webhookDelivery.create({
    data: { businessId: t.business.id, endpointId: endpoint.id, eventId: `evt_${marker}`, eventType: "call.ended", payload: { marker }, status: "succeeded", attempts: 1 },
  });
  const message = await scoped.callMessage.findFirstOrThrow();
  const recordedCall = await scoped.callLog.findFirstOrThrow({ where: { id: message.callId } });
  const recording = twilioRest.addRecording(recordedCall.callSid);
  await scoped.callLog.update({ where: { id: recordedCall.id }, data: { recordingSid: recording.sid, recordingStatus: "completed", recordingDurationSec: 30 } });
  // A call still going on, for the live list.
  const liveStart = new Date(Date.now() - offsetMs - 60_000);
  calls.push(
    await scoped.callLog.create({
      data: { businessId: t.business.id, callSid: `CA${randomBytes(16).toString("hex")}`, fromNumber: "+15550007777", toNumber: t.phone.e164, status: "in_progress", startedAt: liveStart, answeredAt: liveStart },
    }),
  );
  const askedAt = new Date();
  const gap = await scoped.knowledgeGap.create({
    data: { businessId: t.business.id, question: `${marker} do you deliver?`, terms: ["deliver"], count: 1, firstAskedAt: askedAt, lastAskedAt: askedAt },
  });
  await scoped.knowledgeGapCall.create({
    data: { businessId: t.business.id, gapId: gap.id, callId: message.callId, question: gap.question, reason: "no_hit", askedAt },
  });
  const ids: Record<string, string> = {
    businessId: t.business.id,
    memberId: (await scoped.membership.findFirstOrThrow({ where: { userId: t.owner.id } })).id,
    inviteId: invite.id,
    phoneNumberId: t.phone.id,
    contentId: (await scoped.rAGContent.findFirstOrThrow()).id,
    callId: message.callId, // a call with a transcript and a message
    messageId: message.id,
    apiKeyId: key.id,
    widgetKeyId: widget.id,
    webhookEndpointId: endpoint.id,
    gapId: gap.id,
  };
  const secrets = new Set([viewer.id, viewer.email, recording.sid]);
  return { marker, t, calls, documents: docs.length, owner: await sessionFor(api, t.owner), widgetKey: widget.key, ids, secrets };
}

/** Every id in every tenant-owned table of a business, read back from the database. */
async function everyIdOf(s: Seeded): Promise<Set<string>> {
  const scoped = forBusiness(db, s.t.business.id) as unknown as Record<string, { findMany(a: object): Promise<{ id: string }[]> }>;
  const secrets = new Set<string>([...s.secrets, s.marker, s.t.business.id, s.t.owner.id, s.t.owner.email, s.t.phone.e164, s.widgetKey]);
  for (const model of TENANT_MODEL_KEYS) for (const row of await scoped[model]!.findMany({ select: { id: true } })) secrets.add(row.id);
  for (const c of s.calls) secrets.add(c.callSid);
  return secrets;
}

beforeAll(async () => {
  twilioRest = await startTwilioRestStandIn();
  api = await startApi({ config: testConfig({ TWILIO_ACCOUNT_SID: twilioRest.accountSid, TWILIO_AUTH_TOKEN: twilioRest.authToken, TWILIO_API_BASE_URL: twilioRest.url }) });
  A = await seedBusiness("Ambra", 0);
  B = await seedBusiness("Borea", 1_800_000);
  A.secrets = await everyIdOf(A);
  B.secrets = await everyIdOf(B);
}, 60_000);
afterAll(async () => {
  await api.close();
  await twilioRest?.close();
});

const reads = spec.operations.filter((op) => op.method === "get" && acceptedSchemes(op).size > 0);
const QUERIES: Record<string, string> = { searchKnowledge: "q=parking" };

function request(op: SpecOperation, s: Seeded): { path: string; creds: Credentials; knowsEveryId: boolean } {
  const knowsEveryId = op.paramNames.every((n) => n in s.ids);
  const path = op.path.replace(/\{(\w+)\}/g, (_m, n: string) => encodeURIComponent(s.ids[n] ?? `${n}_missing`));
  const query = QUERIES[op.operationId];
  const creds: Credentials = acceptedSchemes(op).has("publishableKey") ? { key: s.widgetKey, origin: SITE } : { session: s.owner };
  return { path: query ? `${path}?${query}` : path, creds, knowsEveryId };
}

/** The rows a list answered with: `data` of a page, or the hits of a search. */
const listed = (body: unknown): unknown[] | null => (body && typeof body === "object" && Array.isArray((body as { data?: unknown }).data) ? (body as { data: unknown[] }).data : null);

const monthStart = () => new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
/** What each aggregate must count for a business: its own rows only. */
const AGGREGATES: Record<string, (s: Seeded, body: Record<string, any>) => void> = {
  getAnalytics: (s, body) => expect(body.totalCalls).toBe(s.calls.length),
  getUsage: (s, body) => expect(body.calls).toBe(s.calls.filter((c) => c.startedAt >= monthStart()).length),
  getKnowledgeStatus: (s, body) => expect(body.total).toBe(s.documents),
  getMe: (s, body) => expect(body.memberships).toEqual([expect.objectContaining({ businessId: s.t.business.id, role: "owner" })]),
};

describe("two businesses with data in the same windows", () => {
  it("cover every read of the spec", () => {
    expect(reads.length).toBeGreaterThan(25);
    expect(Object.keys(AGGREGATES).every((id) => reads.some((op) => op.operationId === id))).toBe(true);
  });

  it.each(reads.map((op) => [op.operationId, op] as const))("%s answers each business with its own data only", async (_id, op) => {
    for (const [self, other] of [[A, B], [B, A]] as const) {
      const { path, creds, knowsEveryId } = request(op, self);
      const r = await call(api, "GET", path, creds);
      if (!knowsEveryId) {
        expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
      } else {
        expect(r.status, r.text.slice(0, 300)).toBe(200);
        const rows = listed(r.body);
        if (rows) expect(rows.length, `${op.operationId} lists nothing for ${self.marker}: the check below would prove nothing`).toBeGreaterThan(0);
        AGGREGATES[op.operationId]?.(self, r.body);
      }
      for (const secret of other.secrets) expect(r.text.includes(secret), `${op.operationId} as ${self.marker} shows ${secret} of the other business`).toBe(false);
    }
  });
});

// Security tests generated from openapi.yaml: for every operation, requests with no
// credentials, another tenant's ids and keys, too few scopes, too small a role, the wrong
// kind of key, and malformed bodies, queries and ids. Never a 5xx, never another tenant's
// data, always application/problem+json on errors. A new operation in the spec is covered
// here without writing anything.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { API_KEY_SCOPES } from "@frontdesk/core/auth/api-keys";
import { forBusiness, tenantDb } from "@frontdesk/core/db/tenant";
import { inviteMember } from "@frontdesk/core/business/invite-member";
import { newWebhookSecret } from "@frontdesk/core/webhooks/signature";
import { loadSpec, acceptedSchemes, type SpecOperation } from "../../api/src/spec/spec.ts";
import { addMember, call, createSecretKey, createWidgetKey, sessionFor, startApi, type Api, type ApiResponse, type Credentials } from "./support/api-harness.ts";
import { seedCalls } from "./support/call-data.ts";
import { bodyMutations, HOSTILE_IDS, queryMutations, type Json } from "./support/schema-fuzz.ts";
import { createTestBusiness, uniquePhoneNumber, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const spec = loadSpec();
const doc = spec.document;
const db = testDb();
const RUN = randomBytes(4).toString("hex");
/** Written into every text field of a tenant's rows; no other tenant may ever see it. */
const markerOf = (name: string) => `${name.toUpperCase()}-PRIVATE-${RUN}`;
const SITE = "https://shop-a.example";

interface Tenant {
  marker: string;
  t: TestBusiness;
  owner: { cookie: string; csrf: string };
  viewer: { cookie: string; csrf: string };
  fullKey: string;
  widgetKey: string;
  /** A real id of each kind, by path parameter name. */
  ids: Record<string, string>;
  /** Every id of this tenant a response must never show to another tenant. */
  secrets: string[];
}

let api: Api;
let A: Tenant;
let B: Tenant;
let C: Tenant; // the fuzz target: malformed requests are sent with its owner's session

async function makeTenant(name: string): Promise<Tenant> {
  const MARKER = markerOf(name);
  const t = await createTestBusiness(db, {
    name: `${name} ${MARKER}`,
    plan: "enterprise",
    description: `${MARKER} description`,
    knowledge: [{ title: `${MARKER} parking`, content: `${MARKER} free parking behind the shop`, isPublic: true }],
  });
  const id = t.business.id;
  const scoped = forBusiness(db, id);
  const viewerUser = await addMember(t.business, "viewer");
  const calls = await seedCalls(t.business, t.phone.e164, { count: 6, withTranscript: true, summaryMarker: MARKER });
  const message = await scoped.callMessage.findFirstOrThrow();
  const knowledge = await scoped.rAGContent.findFirstOrThrow();
  const membership = await scoped.membership.findFirstOrThrow({ where: { userId: viewerUser.id } });
  const { invite } = await inviteMember(tenantDb(db, id), { email: `invitee-${MARKER}@example.test`, role: "viewer", invitedById: null, at: new Date() });
  const full = await createSecretKey(t.business, API_KEY_SCOPES);
  const widget = await createWidgetKey(t.business, [SITE]);
  const endpoint = await scoped.webhookEndpoint.create({
    data: { businessId: id, url: "https://hooks.example.com/frontdesk", description: MARKER, events: ["call.ended"], secret: newWebhookSecret() },
  });
  await scoped.webhookDelivery.create({
    data: { businessId: id, endpointId: endpoint.id, eventId: `evt_${MARKER}`, eventType: "call.ended", payload: { marker: MARKER }, status: "succeeded", attempts: 1 },
  });
  const ids = {
    businessId: id,
    memberId: membership.id,
    inviteId: invite.id,
    phoneNumberId: t.phone.id,
    contentId: knowledge.id,
    callId: calls[0]!.id,
    messageId: message.id,
    apiKeyId: full.id,
    widgetKeyId: widget.id,
    webhookEndpointId: endpoint.id,
  };
  return {
    marker: MARKER,
    t,
    owner: await sessionFor(api, t.owner),
    viewer: await sessionFor(api, viewerUser),
    fullKey: full.key,
    widgetKey: widget.key,
    ids,
    secrets: [...Object.values(ids), ...calls.map((c) => c.id), ...calls.map((c) => c.callSid), t.phone.e164, widget.key],
  };
}

function pathFor(op: SpecOperation, ids: Record<string, string>): string {
  return op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(ids[name] ?? `${name}_missing`));
}

const VALID_BODIES: Record<string, () => Record<string, Json>> = {
  signup: () => ({ email: `fuzz-${randomBytes(5).toString("hex")}@example.test`, password: "a sturdy passphrase 42", name: "Fuzz User" }),
  login: () => ({ email: "nobody@example.test", password: "not the password 1" }),
  createCheckoutSession: () => ({ plan: "pro" }),
  verifyEmail: () => ({ token: "not-a-real-token" }),
  forgotPassword: () => ({ email: "nobody@example.test" }),
  resetPassword: () => ({ token: "not-a-real-token", password: "a sturdy passphrase 42" }),
  changePassword: () => ({ currentPassword: "not the password 1", newPassword: "a sturdy passphrase 42" }),
  updateMe: () => ({ name: "Fuzzed Owner" }),
  createBusiness: () => ({ name: "Fuzz Co" }),
  updateBusiness: () => ({ description: "Updated by the fuzzer" }),
  updateMember: () => ({ role: "viewer" }),
  createInvite: () => ({ email: `inv-${randomBytes(5).toString("hex")}@example.test`, role: "viewer" }),
  acceptInvite: () => ({ token: "not-a-real-token" }),
  lookupInvite: () => ({ token: "not-a-real-token" }),
  attachPhoneNumber: () => ({ e164: uniquePhoneNumber() }),
  updatePhoneNumber: () => ({ label: "Front desk" }),
  createKnowledge: () => ({ title: "Parking", content: "Free parking behind the shop." }),
  updateKnowledge: () => ({ content: "Parking is free after 6pm." }),
  importKnowledge: () => ({ format: "csv", data: "question,answer\nDo you deliver?,Yes within five miles.\n" }),
  updateAgentConfig: () => ({ greeting: "Hello from the fuzzer!" }),
  previewAgentInstructions: () => ({ prompt: "A draft from the fuzzer." }),
  updateMessage: () => ({ status: "handled" }),
  createApiKey: () => ({ name: "fuzz key", scopes: ["calls:read"] }),
  rotateApiKey: () => ({ overlapSeconds: 60 }),
  createWidgetKey: () => ({ name: "fuzz widget", allowedOrigins: ["https://fuzz.example"] }),
  updateWidgetKey: () => ({ name: "fuzz widget 2" }),
  createWebhookEndpoint: () => ({ url: "https://hooks.example.com/fuzz", events: ["call.ended"] }),
  updateWebhookEndpoint: () => ({ description: "fuzzed" }),
};

function bodyFor(op: SpecOperation): Json | undefined {
  return op.hasRequestBody ? (VALID_BODIES[op.operationId]?.() ?? {}) : undefined;
}

function requestBodySchema(op: SpecOperation) {
  const rb = op.raw.requestBody as { content?: Record<string, { schema: Record<string, unknown> }> } | undefined;
  return rb?.content?.["application/json"]?.schema;
}

function expectProblem(r: ApiResponse, status?: number) {
  if (status !== undefined) expect(r.status, r.text.slice(0, 300)).toBe(status);
  expect(r.status).toBeGreaterThanOrEqual(400);
  expect(r.status).toBeLessThan(500);
  expect(r.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ status: r.status, code: expect.any(String), request_id: r.headers.get("request-id") });
  expect(r.text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|prisma\/|\.ts:\d+/); // no stack traces
}

function expectNoLeak(r: ApiResponse, owner: Tenant) {
  for (const secret of [owner.marker, ...owner.secrets]) expect(r.text, `leaked ${secret} in ${r.text.slice(0, 200)}`).not.toContain(secret);
}

/** Runs requests a few at a time: fast, without flooding the shared machine. */
async function inBatches<T>(items: T[], run: (item: T) => Promise<void>, size = 8) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

beforeAll(async () => {
  api = await startApi();
  [A, B, C] = [await makeTenant("Alpha"), await makeTenant("Bravo"), await makeTenant("Charlie")];
}, 60_000);
afterAll(async () => {
  await api.close();
});

const secured = spec.operations.filter((op) => acceptedSchemes(op).size > 0);
const keyOps = spec.operations.filter((op) => acceptedSchemes(op).has("secretKey"));
const sessionOnlyOps = spec.operations.filter((op) => {
  const s = acceptedSchemes(op);
  return s.has("session") && !s.has("secretKey");
});
const widgetOps = spec.operations.filter((op) => acceptedSchemes(op).has("publishableKey"));
const nonWidgetOps = secured.filter((op) => !acceptedSchemes(op).has("publishableKey"));
const roleOps = spec.operations.filter((op) => op.roles && !op.roles.includes("viewer"));
const tenantOps = spec.operations.filter((op) => op.business !== "none");
const bodyOps = spec.operations.filter((op) => op.hasRequestBody && !acceptedSchemes(op).has("publishableKey"));
const queryOps = spec.operations.filter((op) => ((op.raw.parameters as unknown[]) ?? []).length > 0 || op.paramNames.length > 0);

describe("generated security checks", () => {
  it("cover every operation in the spec", () => {
    expect(spec.operations.length).toBeGreaterThan(60);
    expect(secured.length + spec.operations.filter((o) => acceptedSchemes(o).size === 0).length).toBe(spec.operations.length);
  });

  it.each(secured.map((op) => [op.operationId, op] as const))("%s refuses a request without credentials (401)", async (_id, op) => {
    const r = await call(api, op.method.toUpperCase(), pathFor(op, A.ids), { body: bodyFor(op), origin: acceptedSchemes(op).has("publishableKey") ? SITE : undefined });
    expectProblem(r, 401);
    expectNoLeak(r, A);
  });

  it.each(secured.map((op) => [op.operationId, op] as const))("%s refuses a malformed Authorization header or unknown key (401)", async (_id, op) => {
    for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer", `Bearer sk_live_${"0".repeat(32)}`, `Bearer pk_live_${"0".repeat(24)}`, "Bearer ' OR 1=1 --"]) {
      const r = await call(api, op.method.toUpperCase(), pathFor(op, A.ids), { body: bodyFor(op), headers: { authorization }, origin: SITE });
      expectProblem(r, 401);
    }
  });

  it.each(tenantOps.filter((op) => !acceptedSchemes(op).has("publishableKey")).map((op) => [op.operationId, op] as const))(
    "%s never reaches another business's rows: its ids and its business answer 404",
    async (_id, op) => {
      const schemes = acceptedSchemes(op);
      const attempts: Credentials[] = [{ session: B.owner }, { session: B.owner, business: A.ids.businessId }];
      if (schemes.has("secretKey")) attempts.push({ key: B.fullKey }, { key: B.fullKey, business: A.ids.businessId });
      for (const creds of attempts) {
        const namesA = op.paramNames.length > 0 || creds.business !== undefined;
        const r = await call(api, op.method.toUpperCase(), pathFor(op, A.ids), { ...creds, body: bodyFor(op) });
        if (namesA) expectProblem(r, 404);
        else expect(r.status).toBeLessThan(500);
        expectNoLeak(r, A);
      }
    },
  );

  it.each(spec.operations.filter((op) => op.business === "none" && acceptedSchemes(op).size > 0).map((op) => [op.operationId, op] as const))(
    "%s shows the caller only their own businesses",
    async (_id, op) => {
      const r = await call(api, op.method.toUpperCase(), pathFor(op, A.ids), { session: B.owner, body: bodyFor(op) });
      expect(r.status).toBeLessThan(500);
      expectNoLeak(r, A);
    },
  );

  it.each(keyOps.map((op) => [op.operationId, op] as const))("%s refuses a secret key without its scope (403 insufficient_scope)", async (_id, op) => {
    const needed = acceptedSchemes(op).get("secretKey")!;
    const resources = new Set(needed.map((s) => s.split(":")[0]));
    const others = API_KEY_SCOPES.filter((s) => !resources.has(s.split(":")[0]));
    const { key } = await createSecretKey(A.t.business, others);
    const r = await call(api, op.method.toUpperCase(), pathFor(op, A.ids), { key, body: bodyFor(op) });
    if (needed.length === 0) expect(r.status).toBeLessThan(500);
    else {
      expectProblem(r, 403);
      expect(r.body.code).toBe("insufficient_scope");
    }
  });

  it.each(sessionOnlyOps.map((op) => [op.operationId, op] as const))("%s is for dashboard sessions only: a secret key gets 403", async (_id, op) => {
    const r = await call(api, op.method.toUpperCase(), pathFor(op, A.ids), { key: A.fullKey, body: bodyFor(op) });
    expectProblem(r, 403);
    expect(r.body.code).toBe("session_required");
  });

  it.each(roleOps.map((op) => [op.operationId, op] as const))("%s refuses a viewer (403 insufficient_role)", async (_id, op) => {
    const r = await call(api, op.method.toUpperCase(), pathFor(op, A.ids), { session: A.viewer, body: bodyFor(op) });
    expectProblem(r, 403);
    expect(r.body.code).toBe("insufficient_role");
  });

  it.each(nonWidgetOps.map((op) => [op.operationId, op] as const))("%s refuses a publishable key, even from an allowed origin (403)", async (_id, op) => {
    const r = await call(api, op.method.toUpperCase(), pathFor(op, A.ids), { key: A.widgetKey, origin: SITE, body: bodyFor(op) });
    expectProblem(r, 403);
    expect(r.body.code).toBe("publishable_key_not_allowed");
  });

  it.each(widgetOps.map((op) => [op.operationId, op] as const))("%s takes only a publishable key from an allowed origin", async (_id, op) => {
    const secret = await call(api, "GET", op.path, { key: A.fullKey, origin: SITE });
    expectProblem(secret, 403);
    const session = await call(api, "GET", op.path, { session: A.owner, origin: SITE });
    expectProblem(session, 401);
    for (const origin of [undefined, "https://evil.example", "https://shop-a.example.evil.example", "null"]) {
      const r = await call(api, "GET", op.path, { key: A.widgetKey, origin });
      expectProblem(r, 403);
      expect(r.body.code).toBe("origin_not_allowed");
      // The refusal is readable by the page that asked (so its widget can say why), never with credentials.
      expect(r.headers.get("access-control-allow-origin")).toBe(origin && origin !== "null" ? origin : null);
      expect(r.headers.get("access-control-allow-credentials")).toBeNull();
    }
    const ok = await call(api, "GET", op.path, { key: A.widgetKey, origin: SITE });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(SITE);
    const theirs = await call(api, "GET", op.path, { key: B.widgetKey, origin: SITE });
    expect(theirs.status).toBe(200);
    expectNoLeak(theirs, A);
  });

  it.each(bodyOps.map((op) => [op.operationId, op] as const))("%s answers malformed bodies with 4xx problem+json, never 5xx", async (_id, op) => {
    const schema = requestBodySchema(op)!;
    const valid = bodyFor(op) as Record<string, Json>;
    const mutations = bodyMutations(schema, valid, doc);
    // The business is named explicitly: the fuzzer's createBusiness calls make C's owner a member of several.
    const anonymous = ["signup", "login", "verifyEmail", "forgotPassword", "resetPassword", "lookupInvite"];
    const creds: Credentials = anonymous.includes(op.operationId) ? {} : { session: C.owner, business: C.ids.businessId };
    // The unmutated body gets through, so the mutations below test the handler, not a gate in front of it.
    const baseline = await call(api, op.method.toUpperCase(), pathFor(op, C.ids), { ...creds, body: valid });
    // createCheckoutSession: this API runs without Stripe (billing_disabled); createCall: nor Twilio (twilio_not_configured).
    const refusedOnPurpose = { login: 401, acceptInvite: 404, lookupInvite: 404, verifyEmail: 400, resetPassword: 400, changePassword: 400, createCheckoutSession: 409, createCall: 409 } as Record<string, number>;
    expect(baseline.status, baseline.text.slice(0, 300)).toBe(refusedOnPurpose[op.operationId] ?? (baseline.status < 300 ? baseline.status : 200));
    await inBatches(mutations, async (m) => {
      const r = await call(api, op.method.toUpperCase(), pathFor(op, C.ids), {
        ...creds,
        ...(m.raw !== undefined ? { rawBody: m.raw } : { body: m.body }),
        headers: { "content-type": m.contentType ?? "application/json" },
      });
      expect(r.status, `${m.name}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
      if (m.expect) expect(r.status, `${m.name}: ${r.text.slice(0, 300)}`).toBe(m.expect);
      if (m.code) expect(r.body.code, `${m.name}: ${r.text.slice(0, 300)}`).toBe(m.code);
      if (r.status >= 400) expectProblem(r);
      expectNoLeak(r, A);
    });
  });

  it.each(queryOps.map((op) => [op.operationId, op] as const))("%s answers hostile query strings, ids and headers without a 5xx", async (_id, op) => {
    const params = [...((spec.document.paths[op.path].parameters as unknown[]) ?? []), ...((op.raw.parameters as unknown[]) ?? [])] as Record<string, unknown>[];
    const widget = acceptedSchemes(op).has("publishableKey");
    const creds: Credentials = widget ? { key: C.widgetKey, origin: SITE } : op.operationId === "getReadiness" || op.operationId === "getHealth" ? {} : { session: C.owner, business: C.ids.businessId };
    const requests: { name: string; path: string; headers?: Record<string, string>; expect?: number; code?: string }[] = [];
    if (op.method === "get") {
      for (const q of queryMutations(params, doc)) requests.push({ name: q.name, path: `${pathFor(op, C.ids)}?${q.query}`, expect: q.expect, code: q.code });
    }
    for (const name of op.paramNames) {
      for (const hostile of HOSTILE_IDS) {
        requests.push({ name: `${name}=${hostile.slice(0, 20)}`, path: op.path.replace(/\{(\w+)\}/g, (_m, n: string) => (n === name ? hostile : encodeURIComponent(C.ids[n]!))) });
      }
    }
    if (op.business === "header" && !widget) {
      for (const hostile of HOSTILE_IDS.slice(0, 4)) requests.push({ name: `business header ${hostile.slice(0, 10)}`, path: pathFor(op, C.ids), headers: { "frontdesk-business": hostile } });
    }
    if (op.method === "post" && (op.raw.parameters as { $ref?: string }[] | undefined)?.some((p) => p.$ref?.endsWith("IdempotencyKey"))) {
      requests.push({ name: "huge Idempotency-Key", path: pathFor(op, C.ids), headers: { "idempotency-key": "k".repeat(300) }, expect: 400 });
    }
    await inBatches(requests, async (q) => {
      const r = await call(api, op.method.toUpperCase(), q.path, { ...creds, ...(q.headers?.["frontdesk-business"] ? { business: undefined } : {}), headers: q.headers, body: bodyFor(op) });
      expect(r.status, `${q.name}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
      if (q.expect) expect(r.status, `${q.name}: ${r.text.slice(0, 300)}`).toBe(q.expect);
      if (q.code) expect(r.body.code, `${q.name}: ${r.text.slice(0, 300)}`).toBe(q.code);
      if (r.status >= 400) expectProblem(r);
      expectNoLeak(r, A);
    });
  });
});

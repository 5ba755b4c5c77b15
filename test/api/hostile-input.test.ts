// What a hostile client tries at the edge: infinite numbers, lone surrogates, several mistakes
// at once, a body that never finishes. Each is one clear problem, never a 500 or a bare 408.
// (security.test.ts sends the same inputs to every operation of the spec.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "node:net";
import { API_KEY_SCOPES } from "@frontdesk/core/auth/api-keys";
import { call, createSecretKey, createWidgetKey, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";
import { loadSpec } from "../../api/src/spec/spec.ts";
import { compileRequestValidators } from "../../api/src/http/request-validator.ts";

const SITE = "https://hostile.example";
let api: Api;
let key: string;
let widgetKey: string;

beforeAll(async () => {
  api = await startApi({ bodyTimeoutMs: 300 });
  const t = await createTestBusiness(testDb(), { name: "Hostile Input Co" });
  key = (await createSecretKey(t.business, API_KEY_SCOPES)).key;
  widgetKey = (await createWidgetKey(t.business, [SITE])).key;
});
afterAll(() => api.close());

describe("bad input is a 400 validation_failed", () => {
  it.each(["1e309", "Infinity", "-1e309"])("limit=%s on the calls list and the widget's knowledge", async (n) => {
    const calls = await call(api, "GET", `/v1/calls?limit=${n}`, { key });
    expect(calls.status, calls.text).toBe(400);
    expect(calls.body).toMatchObject({ code: "validation_failed", errors: [{ path: "query.limit", message: "must be a finite number" }] });
    const widget = await call(api, "GET", `/v1/widget/knowledge?limit=${n}`, { key: widgetKey, origin: SITE });
    expect(widget.status, widget.text).toBe(400);
    expect(widget.body.code).toBe("validation_failed");
  });

  it("a lone surrogate at login and signup, unauthenticated, and no account is made", async () => {
    const login = await call(api, "POST", "/v1/auth/login", { body: { email: "someone@example.test", password: "pass\ud800word-long-enough" } });
    expect(login.status, login.text).toBe(400);
    expect(login.body).toMatchObject({ code: "validation_failed", errors: [{ path: "body.password" }] });
    const email = `lone-${Date.now()}@example.test`;
    const signup = await call(api, "POST", "/v1/auth/signup", { body: { email, password: "a sturdy passphrase 42", name: "Lone \udc00 Surrogate" } });
    expect(signup.status, signup.text).toBe(400);
    expect(signup.body.errors).toEqual([{ path: "body.name", message: expect.stringContaining("lone surrogate") }]);
    expect(await testDb().user.findFirst({ where: { email } })).toBeNull();
  });

  it("lists every problem, not only the first", async () => {
    const r = await call(api, "POST", "/v1/knowledge", { key, body: { title: 5, content: ["x"], surprise: true } });
    expect(r.status, r.text).toBe(400);
    const paths = (r.body.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(expect.arrayContaining(["body.content", "body.surprise", "body.title"]));
    const edge = await call(api, "POST", "/v1/knowledge", { key, rawBody: '{"title":"\\ud800","content":"\\udfff","x":1e309}', headers: { "content-type": "application/json" } });
    expect(edge.status, edge.text).toBe(400);
    expect((edge.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(["body.content", "body.title", "body.x"]);
  });
});

it("every operation's request validator compiles", () => {
  const spec = loadSpec();
  const validators = compileRequestValidators(spec);
  for (const op of spec.operations) expect(() => validators(op.operationId), op.operationId).not.toThrow();
});

/** Sends `request` as raw bytes and reads until the server closes the connection (the test's own timeout fails it if it never does). */
async function rawExchange(request: string): Promise<{ head: string; body: string }> {
  const { port } = new URL(api.url);
  const socket = connect(Number(port), "127.0.0.1");
  let raw = "";
  socket.setEncoding("utf8");
  socket.on("data", (d: string) => (raw += d));
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.write(request);
  await closed;
  const [head, body] = raw.split("\r\n\r\n");
  return { head: head!, body: body ?? "" };
}

describe("a stalled request body", () => {
  it("ends in a problem+json 408 with its Request-Id, and the connection closes", async () => {
    const { head, body } = await rawExchange(`POST /v1/knowledge HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"title":`);
    expect(head).toMatch(/^HTTP\/1\.1 408 /);
    expect(head).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    const requestId = /\r\nrequest-id: (\S+)/i.exec(head)?.[1];
    expect(requestId).toMatch(/^req_/);
    expect(JSON.parse(body)).toMatchObject({ status: 408, code: "request_timeout", request_id: requestId });
  });
});

describe("a request Node's HTTP parser refuses", () => {
  it.each([
    ["headers over the size limit", `GET /v1/calls HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${"a".repeat(20_000)}\r\n\r\n`, 431, "client_error"],
    ["a malformed header line", "GET /v1/calls HTTP/1.1\r\nHost: localhost\r\nBroken header\r\n\r\n", 400, "bad_request"],
  ])("%s: a problem+json answer with its Request-Id, not a bare status line", async (_name, request, status, code) => {
    const { head, body } = await rawExchange(request);
    expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(head).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    const requestId = /\r\nrequest-id: (\S+)/i.exec(head)?.[1];
    expect(requestId).toMatch(/^req_/);
    expect(JSON.parse(body)).toMatchObject({ status, code, request_id: requestId });
  });
});

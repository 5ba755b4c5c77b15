// The `next` a login comes back to is a page of this dashboard, never another site, however
// it is spelled: browsers drop tabs and newlines from a Location and read "\" as "/", so a
// check on the raw text alone lets "/\t/evil.example" through. Checked the way a browser
// resolves the Location (WHATWG URL), on the login form and on /login when signed in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { hashPassword } from "@frontdesk/core/auth/password";
import { createUser } from "@frontdesk/core/auth/create-user";
import { createBusiness } from "@frontdesk/core/business/create-business";
import { startApi, type Api } from "../api/support/api-harness.ts";
import { testConfig, testDb } from "../support/services.ts";
import { buildDashboard, freePort, startDashboard, type DashboardProcess } from "./support/dashboard.ts";

const PASSWORD = "correct horse battery";
const HOSTILE = ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/./..//evil.example", "https://evil.example/", "/\t\\evil.example"];
let api: Api;
let dash: DashboardProcess;
const email = `next-${randomBytes(4).toString("hex")}@example.test`;

beforeAll(async () => {
  await buildDashboard();
  const port = await freePort();
  api = await startApi({ config: testConfig({ DASHBOARD_URL: `http://127.0.0.1:${port}` }) });
  dash = await startDashboard({ port, apiUrl: api.url });
  const user = await createUser(testDb(), { email, name: "Nia Next", passwordHash: await hashPassword(PASSWORD, 4) });
  await createBusiness(testDb(), { ownerId: user.id, name: "Next Co" });
}, 300_000);
afterAll(async () => {
  await dash?.close();
  await api?.close();
});

async function logIn(next: string) {
  return fetch(`${dash.url}/login`, {
    method: "POST",
    redirect: "manual",
    // A browser's plain form post (no JavaScript): answered with a 303 and its Location.
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", origin: dash.url },
    body: new URLSearchParams({ email, password: PASSWORD, next }).toString(),
  });
}

/** Where a browser goes with this answer's Location. */
const destination = (res: Response) => new URL(res.headers.get("location") ?? "", dash.url);

describe("after logging in", () => {
  it.each(HOSTILE.map((n) => [JSON.stringify(n), n]))("next=%s stays on the dashboard", async (_name, next) => {
    const res = await logIn(next);
    expect(res.status).toBe(303);
    expect(destination(res).origin).toBe(dash.url);
  });

  it("a page of the dashboard is kept, with its query", async () => {
    const res = await logIn("/calls?status=completed");
    expect(res.status).toBe(303);
    expect(destination(res).href).toBe(`${dash.url}/calls?status=completed`);
  });

  it("signed in, /login?next=… sends to the dashboard only, never a 500", async () => {
    const login = await logIn("/");
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    expect(cookie).not.toBe("");
    for (const next of HOSTILE) {
      const res = await fetch(`${dash.url}/login?next=${encodeURIComponent(next)}`, { redirect: "manual", headers: { cookie } });
      expect(res.status, JSON.stringify(next)).toBe(303);
      expect(destination(res).origin, JSON.stringify(next)).toBe(dash.url);
    }
  });
});

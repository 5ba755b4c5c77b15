// The dashboard's front door in a real browser: a signed-out visitor is sent to log in and
// comes back where they were; an ended session does the same; log out; the API reached only
// through the dashboard's /api proxy; probes; a clear banner when the API is down.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { hashPassword } from "@frontdesk/core/auth/password";
import { createUser } from "@frontdesk/core/auth/create-user";
import { createBusiness } from "@frontdesk/core/business/create-business";
import { startApi, type Api } from "../api/support/api-harness.ts";
import { testConfig, testDb } from "../support/services.ts";
import { consoleMailbox } from "./support/mailbox.ts";
import { buildDashboard, freePort, hasChromium, openBrowser, screenshot, startDashboard, type BrowserSession, type DashboardProcess } from "./support/dashboard.ts";

const PASSWORD = "correct horse battery";
let api: Api;
let dash: DashboardProcess;
let down: DashboardProcess;
/** Holds the "down" API's port for the whole file, so no server started by another test file
 *  can take it; every connection is reset, as by an API that is not there. */
let deadApi: net.Server;
let b: BrowserSession;
const tag = randomBytes(4).toString("hex");
const email = `rosa-${tag}@example.test`;
const mailbox = consoleMailbox();

describe.skipIf(!hasChromium)("dashboard session (Chromium at /usr/bin/chromium)", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    await buildDashboard();
    const port = await freePort();
    api = await startApi({ config: testConfig({ DASHBOARD_URL: `http://127.0.0.1:${port}` }), mailer: mailbox.mailer });
    dash = await startDashboard({ port, apiUrl: api.url });
    deadApi = net.createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve) => deadApi.listen(0, "127.0.0.1", resolve));
    const deadPort = (deadApi.address() as net.AddressInfo).port;
    down = await startDashboard({ port: await freePort(), apiUrl: `http://127.0.0.1:${deadPort}` });
    const user = await createUser(testDb(), { email, name: "Rosa Diaz", passwordHash: await hashPassword(PASSWORD, 4) });
    await createBusiness(testDb(), { ownerId: user.id, name: `Rosa's Bakery ${tag}` });
    b = await openBrowser({ baseURL: dash.url });
  }, 300_000);
  afterAll(async () => {
    await b?.close();
    await dash?.close();
    await down?.close();
    deadApi?.close();
    await api?.close();
  });

  async function logIn(password = PASSWORD) {
    await b.page.getByLabel("Email").fill(email);
    await b.page.getByLabel("Password").fill(password);
    await b.page.getByRole("button", { name: "Log in" }).click();
  }

  it("a signed-out visitor is sent to log in, a wrong password is said so, and the right one comes back to the page asked for", async () => {
    const { page } = b;
    await page.goto("/account");
    await page.waitForURL(/\/login\?next=%2Faccount/);
    await screenshot(page, "login");
    await logIn("not the password at all");
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/email or password/i);
    await logIn();
    await page.waitForURL(/\/account$/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Your account");
    expect(await page.textContent("main")).toContain(email);
    await screenshot(page, "account");
  });

  it("the browser reaches the API only through the dashboard's /api, with its session cookie on the dashboard's origin", async () => {
    const cookies = await b.context.cookies();
    const session = cookies.find((c) => c.name === "fd_session")!;
    expect(session.domain).toBe("127.0.0.1");
    expect(session.httpOnly).toBe(true);
    const me = await b.page.evaluate(async () => {
      const r = await fetch("/api/v1/auth/me");
      return { status: r.status, body: (await r.json()) as { user: { email: string } } };
    });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(email);
    // A change made through the proxy carries the browser's origin and the CSRF token.
    const refused = await b.page.evaluate(async () => (await fetch("/api/v1/auth/logout", { method: "POST" })).status);
    expect(refused).toBe(403);
    // Only the REST API is proxied: the API's /metrics stays private.
    expect((await fetch(`${dash.url}/api/metrics`)).status).toBe(404);
    expect((await fetch(`${dash.url}/api/v1/auth/me`)).status).toBe(401);
    b.errors.length = 0; // the browser logs the 403 just provoked
  });

  it("an ended session returns to login with a note, and back to the page afterwards", async () => {
    // The session ends elsewhere (signed out from another place): the API forgets it everywhere.
    const cookie = (await b.context.cookies()).find((c) => c.name === "fd_session")!;
    const headers = { cookie: `fd_session=${cookie.value}` };
    const { csrfToken } = (await (await fetch(`${api.url}/v1/auth/me`, { headers })).json()) as { csrfToken: string };
    expect((await fetch(`${api.url}/v1/auth/logout`, { method: "POST", headers: { ...headers, "x-csrf-token": csrfToken } })).status).toBe(204);
    await b.page.goto("/account");
    await b.page.waitForURL(/\/login\?next=%2Faccount/);
    expect(await b.page.getByRole("status").textContent()).toMatch(/session has ended/);
    await logIn();
    await b.page.waitForURL(/\/account$/);
  });

  it("logging out ends the session at the API too", async () => {
    await b.page.getByRole("button", { name: "Log out" }).click();
    await b.page.waitForURL(/\/login$/);
    expect(await testDb().userSession.count({ where: { user: { email }, expiresAt: { gt: new Date() } } })).toBe(0);
    await b.page.goto("/");
    await b.page.waitForURL(/\/login\?next=%2F/);
    expect(b.errors).toEqual([]);
  });

  it("a forgotten password: the mailed link sets a new one and signs in; the old one no longer works", async () => {
    const { page } = b;
    await page.goto("/login");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    // The login form has an Email field too: fill the reset form's, not the one being left.
    await page.waitForURL(/\/forgot-password$/);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send the link" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBeTruthy();
    const link = await mailbox.link(email, "/reset-password?token=");
    expect(link.startsWith(dash.url)).toBe(true);
    await page.goto(link);
    await page.getByLabel("New password").fill("short");
    await page.getByRole("button", { name: "Save and log in" }).click();
    await page.waitForSelector("#f-password-error");
    await page.getByLabel("New password").fill("a much better passphrase");
    await page.getByRole("button", { name: "Save and log in" }).click();
    await page.waitForURL((u) => u.pathname === "/");
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login$/);
    await logIn();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/email or password/i);
    await logIn("a much better passphrase");
    await page.waitForURL((u) => u.pathname === "/");
  });

  it("account: change the name, and the password with the current one", async () => {
    const { page } = b;
    await page.goto("/account");
    await page.getByLabel("Your name").fill("Rosa M. Diaz");
    await page.getByRole("button", { name: "Save name" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toMatch(/Name saved/);
    expect(await page.textContent("header")).toContain("Rosa M. Diaz");
    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password").fill(PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.waitForSelector("#f-currentPassword-error");
    await page.getByLabel("Current password").fill("a much better passphrase");
    await page.getByLabel("New password").fill(PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toMatch(/Password changed/);
    expect(b.errors).toEqual([]);
  });

  it("has health, readiness (the API answers) and metrics", async () => {
    expect((await fetch(`${dash.url}/healthz`)).status).toBe(200);
    // The probe gives the API 2 s to answer; on a loaded test machine, one try may miss that.
    await expect.poll(async () => (await fetch(`${dash.url}/readyz`)).status, { timeout: 20_000, interval: 500 }).toBe(200);
    expect((await fetch(`${down.url}/readyz`)).status).toBe(503);
    const metrics = await (await fetch(`${dash.url}/metrics`)).text();
    expect(metrics).toMatch(/dashboard_http_requests_total\{kind="page",status="2xx"\} \d+/);
    expect(metrics).toMatch(/dashboard_http_requests_total\{kind="api",status="2xx"\} \d+/);
  });

  it("when the API cannot be reached, pages say so plainly instead of failing", async () => {
    const other = await openBrowser({ baseURL: down.url });
    try {
      await other.context.addCookies([{ name: "fd_session", value: "whatever", url: down.url }]);
      await other.page.goto("/");
      expect(await other.page.getByRole("alert").first().textContent()).toMatch(/API cannot be reached/);
      await screenshot(other.page, "api-down");
      await other.context.clearCookies();
      await other.page.goto("/login");
      await other.page.getByLabel("Email").fill(email);
      await other.page.getByLabel("Password").fill(PASSWORD);
      await other.page.getByRole("button", { name: "Log in" }).click();
      await expect.poll(() => other.page.getByRole("alert").textContent()).toMatch(/cannot be reached/);
    } finally {
      await other.close();
    }
  });
});

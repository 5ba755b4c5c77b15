// Every signed-in page in a real browser, on a business with knowledge, calls, transcripts and
// messages: each renders its heading with the business's data, without a console error, with no
// serious accessibility violation, and fits a 375 px phone. Then the forms that matter most.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@frontdesk/core/auth/password";
import { forBusiness, tenantDb } from "@frontdesk/core/db/tenant";
import { collectKnowledgeGaps } from "@frontdesk/core/knowledge/gaps/collect-knowledge-gaps";
import { startApi, type Api } from "../api/support/api-harness.ts";
import { seedCalls } from "../api/support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testConfig, testDb } from "../support/services.ts";
import { buildDashboard, freePort, hasChromium, openBrowser, screenshot, startDashboard, type BrowserSession, type DashboardProcess, logIn } from "./support/dashboard.ts";
import { accessibilityViolations, horizontalOverflow } from "./support/checks.ts";

const PASSWORD = "correct horse battery";
let api: Api;
let dash: DashboardProcess;
let b: BrowserSession;
let biz: TestBusiness;
let callId: string;
let docId: string;
const RINGING_FROM = "+15005550006";

describe.skipIf(!hasChromium)("dashboard pages (Chromium at /usr/bin/chromium)", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    await buildDashboard();
    const port = await freePort();
    api = await startApi({ config: testConfig({ DASHBOARD_URL: `http://127.0.0.1:${port}` }) });
    dash = await startDashboard({ port, apiUrl: api.url });
    biz = await createTestBusiness(testDb(), {
      name: "Harbour Dental",
      knowledge: [
        { title: "Opening hours", content: "We are open Monday to Friday, 8am to 6pm.", category: "Practical" },
        { title: "Parking", content: "Free parking behind the building, entrance on Mill Lane.", category: "Practical" },
        { title: "Teeth whitening", content: "Whitening costs $250 per session.", category: "Prices" },
      ],
    });
    await testDb().user.update({ where: { id: biz.owner.id }, data: { passwordHash: await hashPassword(PASSWORD, 4) } });
    const calls = await seedCalls(biz.business, biz.phone.e164, { count: 12, withTranscript: true, spacingMs: 5 * 3_600_000 });
    callId = calls.find((c) => c.outcome === "message_taken")!.id;
    // A call still ringing: live, though not yet in progress.
    await forBusiness(testDb(), biz.business.id).callLog.create({
      data: { businessId: biz.business.id, callSid: `CA${biz.business.id}ringing`, fromNumber: RINGING_FROM, toNumber: biz.phone.e164, status: "ringing", startedAt: new Date() },
    });
    docId = (await forBusiness(testDb(), biz.business.id).rAGContent.findFirstOrThrow({ where: { title: "Parking" } })).id;
    b = await openBrowser({ baseURL: dash.url });
    await logIn(b.page, biz.owner.email, PASSWORD);
  }, 300_000);
  afterAll(async () => {
    await b?.close();
    await dash?.close();
    await api?.close();
  });

  const pages = () => [
    ["/", "Overview", "Latest calls", "overview"],
    ["/onboarding", "Get Harbour Dental answering calls", "Phone number", "onboarding"],
    ["/calls", "Calls", "Caller asked about", "calls"],
    [`/calls/${callId}`, "Call from", "Dana Whitfield", "call-detail"],
    ["/messages", "Messages", "Please call me back", "messages"],
    ["/knowledge", "Knowledge", "Teeth whitening", "knowledge"],
    ["/knowledge/new", "New knowledge document", "Content (Markdown)", "knowledge-new"],
    [`/knowledge/${docId}`, "Parking", "Mill Lane", "knowledge-edit"],
    ["/agent", "Agent", "Greeting", "agent"],
    ["/agent/test-call", "Talk to your agent", "OPENAI_API_KEY", "test-call"],
    ["/settings", "Settings", biz.phone.e164, "settings"],
    ["/developers", "Developers", "Secret API keys", "developers"],
    ["/widgets", "Widgets", "New publishable key", "widgets"],
    ["/team", "Team", biz.owner.email, "team"],
    ["/billing", "Plan and usage", "pro", "billing"],
    ["/account", "Your account", biz.owner.email, "account"],
  ] as const;

  it("every page shows its data, logs no error, passes axe and fits 375 px", async () => {
    const problems: string[] = [];
    for (const [path, heading, content, shot] of pages()) {
      await b.page.setViewportSize({ width: 1280, height: 900 });
      await b.page.goto(path);
      expect(await b.page.getByRole("heading", { level: 1 }).textContent(), path).toContain(heading);
      expect(await b.page.textContent("body"), path).toContain(content);
      await screenshot(b.page, shot);
      for (const v of await accessibilityViolations(b.page)) problems.push(`${path}: ${v}`);
      await b.page.setViewportSize({ width: 375, height: 800 });
      const overflow = await horizontalOverflow(b.page);
      if (overflow > 0) problems.push(`${path}: ${overflow}px wider than a 375 px screen`);
      await screenshot(b.page, `${shot}-375`);
    }
    expect(problems).toEqual([]);
    expect(b.errors).toEqual([]);
  }, 240_000);

  it("overview: the live calls are the API's (listLiveCalls), a ringing one included", async () => {
    await b.page.setViewportSize({ width: 1280, height: 900 });
    await b.page.goto("/");
    expect(await b.page.textContent("#live")).toContain(`${RINGING_FROM} — ringing`);
  });

  it("knowledge: documents are grouped by the API's categories, each with its count", async () => {
    await b.page.goto("/knowledge");
    const headings = await b.page.locator("section.category h2").allTextContents();
    expect(headings.map((h) => h.replace(/\s+/g, " ").trim())).toEqual([
      expect.stringMatching(/^Practical 2 documents, \d indexed$/),
      expect.stringMatching(/^Prices 1 document, \d indexed$/),
    ]);
  });

  it("billing: without Stripe on this frontdesk no upgrade or portal button is offered", async () => {
    await b.page.goto("/billing");
    expect(await b.page.textContent("main")).toContain("its operator has not set up billing");
    expect(await b.page.getByRole("button", { name: /Switch to|Manage billing/ }).count()).toBe(0);
  });

  it("test call: without the voice AI the button is disabled and says why", async () => {
    await b.page.goto("/agent");
    await b.page.getByRole("link", { name: "Talk to your agent" }).click();
    await b.page.waitForURL(/\/agent\/test-call$/);
    expect(await b.page.getByRole("button", { name: "Start test call" }).isDisabled()).toBe(true);
    expect(await b.page.textContent("#why")).toContain("OPENAI_API_KEY");
  });

  it("the API's validation error shows next to the field it concerns", async () => {
    await b.page.setViewportSize({ width: 1280, height: 900 });
    await b.page.goto("/agent");
    await b.page.getByLabel("Greeting").fill("");
    await b.page.getByRole("button", { name: "Save agent settings" }).click();
    await b.page.waitForSelector("#f-greeting-error");
    expect(await b.page.getAttribute("#f-greeting", "aria-invalid")).toBe("true");
    await b.page.getByLabel("Greeting").fill("Harbour Dental, good day!");
    await b.page.getByRole("button", { name: "Save agent settings" }).click();
    await expect.poll(() => b.page.getByRole("status").last().textContent()).toMatch(/next call uses/);
    expect(await b.page.inputValue("#f-greeting")).toBe("Harbour Dental, good day!");
  });

  it("agent: the instructions preview shows a draft's exact instructions without saving it", async () => {
    await b.page.goto("/agent");
    expect(await b.page.getByTestId("instructions").textContent()).toContain("Harbour Dental");
    await b.page.getByLabel("Your instructions").fill("Always mention the free dental check-up for children.");
    await b.page.getByRole("button", { name: "Preview instructions" }).click();
    await expect.poll(() => b.page.getByTestId("instructions").textContent()).toContain("free dental check-up for children");
    expect(await b.page.inputValue("#prompt")).toBe("Always mention the free dental check-up for children.");
    await b.page.goto("/agent");
    expect(await b.page.getByTestId("instructions").textContent()).not.toContain("free dental check-up");
  });

  it("onboarding: the checklist is the API's capabilities, with the webhook URLs to paste into Twilio", async () => {
    await b.page.goto("/onboarding");
    const setup = (await b.page.textContent("#twilio-setup"))!;
    expect(setup).toMatch(/https?:\/\/\S+\/twilio\/voice/);
    expect(setup).toMatch(/\/twilio\/status/);
    expect(await b.page.textContent(".checklist")).toContain("Teach the agent about your business(done)");
    expect(await b.page.textContent(".checklist")).toContain("must set OPENAI_API_KEY");
  });

  it("knowledge: a question the agent could not answer becomes a draft to complete", async () => {
    const scoped = forBusiness(testDb(), biz.business.id);
    const [call] = await seedCalls(biz.business, biz.phone.e164, { count: 1 });
    await scoped.transcriptSegment.createMany({
      data: [
        { businessId: biz.business.id, callId: call!.id, sequence: 0, role: "caller", text: "Do you do braces for adults?", startMs: 1000, endMs: 3000 },
        { businessId: biz.business.id, callId: call!.id, sequence: 1, role: "agent", text: "I'm sorry, I don't know that. I can take a message.", startMs: 3200, endMs: 6000 },
      ],
    });
    await collectKnowledgeGaps(tenantDb(testDb(), biz.business.id), call!.id);
    await b.page.goto("/knowledge");
    expect(await b.page.textContent(".gaps")).toContain("braces for adults");
    await b.page.getByRole("button", { name: /Write an answer/ }).first().click();
    await b.page.waitForURL(/\/knowledge\/[^/?]+$/);
    expect(await b.page.inputValue("#f-title")).toContain("braces for adults");
    expect(b.errors).toEqual([]);
  });

  it("knowledge: the preview renders Markdown without running what is written; the ask box finds passages", async () => {
    await b.page.goto("/knowledge/new");
    await b.page.getByLabel("Title").fill("Insurance");
    await b.page.getByLabel("Content (Markdown)").fill("# Insurance\n\nWe accept **most plans**.\n\n<img src=x onerror=alert(1)>");
    await b.page.getByRole("button", { name: "Preview" }).click();
    const preview = b.page.getByLabel("Preview");
    expect(await preview.innerHTML()).toContain("<strong>most plans</strong>");
    expect(await preview.locator("img").count()).toBe(0);
    await b.page.getByRole("button", { name: "Save document" }).click();
    await b.page.waitForURL(/\/knowledge\/[^/]+\?saved=1$/);
    await b.page.goto("/knowledge");
    await b.page.getByLabel("Question").fill("where can I park my car?");
    await b.page.getByRole("button", { name: "Ask" }).click();
    await expect.poll(() => b.page.locator(".hits li").first().textContent(), { timeout: 15_000 }).toContain("Parking");
    expect(b.errors).toEqual([]);
  });

  it("messages: marking one handled moves it out of the new ones", async () => {
    await b.page.goto("/messages");
    const before = await b.page.locator(".inbox li").count();
    expect(before).toBeGreaterThan(0);
    await b.page.getByRole("button", { name: "Mark handled" }).first().click();
    await expect.poll(() => b.page.getByRole("status").first().textContent()).toMatch(/handled/);
    await b.page.goto("/messages");
    expect(await b.page.locator(".inbox li").count()).toBe(before - 1);
  });

  it("developers: a new API key's secret is shown once, works against the API, and is gone on reload", async () => {
    await b.page.goto("/developers");
    await b.page.getByLabel("Key name").fill("CRM sync");
    await b.page.check('input[name="scopes"][value="calls:read"]');
    await b.page.getByRole("button", { name: "Create key" }).click();
    const secret = (await b.page.getByTestId("new-secret").textContent())!;
    expect(secret).toMatch(/^sk_live_/);
    const calls = await fetch(`${api.url}/v1/calls?limit=1`, { headers: { authorization: `Bearer ${secret}` } });
    expect(calls.status).toBe(200);
    const forbidden = await fetch(`${api.url}/v1/knowledge`, { headers: { authorization: `Bearer ${secret}` } });
    expect(forbidden.status).toBe(403);
    await b.page.goto("/developers");
    expect(await b.page.getByTestId("new-secret").count()).toBe(0);
    expect(await b.page.textContent("#keys")).toContain("CRM sync");
  }, 90_000);

  it("widgets: a publishable key for a site, with its snippet", async () => {
    await b.page.goto("/widgets");
    await b.page.getByLabel("Name", { exact: true }).fill("Main website");
    await b.page.getByLabel(/^Allowed sites \(one origin per line, e\.g\./).fill("https://www.harbour-dental.test");
    await b.page.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => b.page.locator("pre code").first().textContent()).toMatch(/<frontdesk-knowledge key="pk_live_/);
    expect(b.errors).toEqual([]);
  });

  it("calls: filtering by outcome shows only those calls", async () => {
    await b.page.goto("/calls");
    await b.page.getByLabel("Outcome").selectOption("transferred");
    await b.page.getByRole("button", { name: "Filter" }).click();
    await b.page.waitForURL(/outcome=transferred/);
    const outcomes = await b.page.locator("tbody tr td:nth-child(6)").allTextContents();
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new Set(outcomes)).toEqual(new Set(["transferred"]));
  });
});

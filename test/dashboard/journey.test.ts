// A newcomer's journey through the dashboard, in Chromium, against the real API, relay and job
// worker (OpenAI Realtime and Twilio replaced by their stand-ins): sign up by the mailed link,
// create a business, attach a number, add knowledge and ask the knowledge box, set the
// greeting, create an API key, see the plans on offer (Stripe's stand-in); then a phone call
// placed by the Twilio simulator shows up live, its transcript growing on screen, and
// afterwards its summary and sentiment; and a test call from the browser, with Chromium's fake
// microphone, hears the agent and is answered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { createJobWorker, type JobWorker } from "@frontdesk/core/jobs/job-queue";
import { createKnowledgeService } from "@frontdesk/core/knowledge/knowledge-service";
import type { Cache } from "@frontdesk/core/cache/cache";
import { jobHandlers } from "../../api/src/worker.ts";
import { startApi, type Api } from "../api/support/api-harness.ts";
import { startCallPath, type CallPath } from "../call-path/harness.ts";
import { greetingHeard, transcriptWith, endedCall } from "../call-path/call-steps.ts";
import { uniquePhoneNumber } from "../support/fixtures.ts";
import { testCache, testConfig, testDb, testLogger } from "../support/services.ts";
import { startStripeStandIn, type StripeStandIn } from "../stand-ins/stripe.ts";
import { billingEnv } from "../billing/stripe-support.ts";
import { fakeCallerWav } from "./support/fake-mic.ts";
import { consoleMailbox } from "./support/mailbox.ts";
import { accessibilityViolations } from "./support/checks.ts";
import { buildDashboard, freePort, hasChromium, openBrowser, screenshot, startDashboard, type BrowserSession, type DashboardProcess } from "./support/dashboard.ts";

const tag = randomBytes(4).toString("hex");
const email = `maya-${tag}@example.test`;
const PASSWORD = "a long enough passphrase";
const NUMBER = uniquePhoneNumber();
const mailbox = consoleMailbox();
let path: CallPath;
let api: Api;
let dash: DashboardProcess;
let b: BrowserSession;
let worker: JobWorker | undefined;
let stripe: StripeStandIn;
let cache: Cache;

/** A page that answers a form post or a live event: seconds on a loaded test machine, not expect.poll's default 1 s. */
const SLOW = { timeout: 15_000 };

/** Chromium flags: the microphone is allowed without asking and plays `wav` (looped). */
const fakeMicrophone = (wav: string) => ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-audio-capture=${wav}`, "--autoplay-policy=no-user-gesture-required"];

/** The API process's job worker (indexing, analysis), for this business only: test files share the database. */
async function runJobs(): Promise<void> {
  if (!worker) {
    const business = await testDb().business.findFirstOrThrow({ where: { memberships: { some: { user: { email } } } } });
    const config = testConfig();
    worker = createJobWorker({ db: testDb(), logger: testLogger("jobs"), handlers: jobHandlers({ config, db: testDb(), cache: api.cache, logger: testLogger("jobs") }), businessIds: [business.id], pollMs: 3_600_000 });
  }
  await worker.drain();
}

describe.skipIf(!hasChromium)("a newcomer's journey (Chromium at /usr/bin/chromium)", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    await buildDashboard();
    const port = await freePort();
    const DASHBOARD_URL = `http://127.0.0.1:${port}`;
    // The relay lets in browser sockets from the dashboard's origin only.
    path = await startCallPath({
      scenario: { callerTurns: ["Hi, where can I park when I come in?"], reply: () => ({ say: "There is free parking behind the building, entrance on Mill Lane." }) },
      env: { DASHBOARD_URL },
    });
    stripe = await startStripeStandIn();
    cache = testCache();
    // The voice AI is the Realtime stand-in behind the relay (so test calls are offered, and
    // their tickets point at this relay); knowledge stays on the local embedder the job worker
    // indexes with.
    api = await startApi({
      config: testConfig({ DASHBOARD_URL, OPENAI_API_KEY: path.config.openai.apiKey, PUBLIC_BASE_URL: path.relayUrl, ...billingEnv(stripe) }),
      cache,
      knowledge: createKnowledgeService({ db: testDb(), cache, config: testConfig(), logger: testLogger("knowledge") }),
      mailer: mailbox.mailer,
    });
    dash = await startDashboard({ port, apiUrl: api.url });
    b = await openBrowser({
      baseURL: dash.url,
      extraArgs: fakeMicrophone(fakeCallerWav()),
    });
  }, 300_000);
  afterAll(async () => {
    await worker?.stop();
    await b?.close();
    await dash?.close();
    await api?.close();
    await cache?.close();
    await stripe?.close();
    await path?.close();
  });

  /** Maya, in another browser. */
  async function logIn(page: Page) {
    await page.goto("/login");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL((u) => u.pathname === "/");
  }

  async function noA11yProblems(name: string) {
    expect(await accessibilityViolations(b.page), name).toEqual([]);
    await screenshot(b.page, `journey-${name}`);
  }

  it("signs up by the mailed link and creates a business", async () => {
    const { page } = b;
    await page.goto("/");
    await page.waitForURL(/\/login/);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Your name").fill("Maya Lin");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect.poll(() => page.textContent("main"), SLOW).toContain(`We sent a link to ${email}`);
    await noA11yProblems("signup-sent");
    await page.goto(await mailbox.link(email, "/signup/verify?token="));
    await page.getByRole("button", { name: "Confirm and continue" }).click();
    await page.waitForURL(/\/onboarding$/);
    await page.getByLabel("Business name").fill(`Harbour Dental ${tag}`);
    await page.getByLabel("Time zone").selectOption("Europe/London");
    await page.getByRole("button", { name: "Create business" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent(), SLOW).toBe(`Get Harbour Dental ${tag} answering calls`);
    await noA11yProblems("onboarding");
  });

  it("attaches a number, adds knowledge, asks the knowledge box, sets the greeting", async () => {
    const { page } = b;
    await page.getByLabel("Phone number").fill(NUMBER);
    await page.getByRole("button", { name: "Attach number" }).click();
    await expect.poll(() => page.textContent("#number"), SLOW).toContain(`Callers reach the agent at ${NUMBER}`);

    await page.getByLabel("Title").fill("Parking");
    await page.getByLabel("Content (Markdown)").fill("Free parking behind the building, entrance on Mill Lane. Bicycles go in the rack by the door.");
    await page.getByRole("button", { name: "Add knowledge" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent(), SLOW).toMatch(/being indexed/);
    await runJobs(); // the API's worker indexes it
    await page.reload();
    expect(await page.textContent("#knowledge")).toMatch(/1 documents, 1 indexed/);

    await page.getByLabel("Greeting").fill("Harbour Dental, this is the front desk. How can I help?");
    await page.getByRole("button", { name: "Save voice and greeting" }).click();
    await expect.poll(() => page.textContent("#agent"), SLOW).toContain("Voice and greeting saved.");

    await page.goto("/knowledge");
    await page.getByLabel("Question").fill("where do I park?");
    await page.getByRole("button", { name: "Ask" }).click();
    await expect.poll(() => page.locator(".hits li").first().textContent(), { timeout: 15_000 }).toContain("Mill Lane");
    await noA11yProblems("knowledge-ask");
  });

  it("creates an API key, shown once", async () => {
    const { page } = b;
    await page.goto("/developers");
    await page.getByLabel("Key name").fill("Zapier");
    await page.check('input[name="scopes"][value="calls:read"]');
    await page.getByRole("button", { name: "Create key" }).click();
    expect(await page.getByTestId("new-secret").textContent()).toMatch(/^sk_live_/);
  });

  it("billing: with Stripe on, the plans are offered and one leads to Stripe Checkout", async () => {
    const { page } = b;
    await page.goto("/billing");
    expect(await page.getByRole("button", { name: /^Switch to / }).allTextContents()).toEqual(["Switch to starter", "Switch to pro"]);
    expect(await page.getByRole("button", { name: "Manage billing" }).count()).toBe(0); // nothing bought yet
    await screenshot(page, "journey-billing");
    await page.getByRole("button", { name: "Switch to pro" }).click();
    await page.waitForURL((u) => u.href.startsWith(`${stripe.url}/pay/`));
    expect(await page.textContent("h1")).toBe("Stripe Checkout");
    const session = stripe.checkoutSessions.get(page.url().split("/pay/")[1]!);
    expect(JSON.stringify(session)).toContain("price_pro");
    await page.goBack();
  });

  it("a phone call appears live with its transcript growing, then with its summary and sentiment", async () => {
    const { page } = b;
    await page.goto("/");
    expect(await page.textContent("main")).toContain("No call in progress");
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: NUMBER, speed: 2 });
    const model = await path.model.connection(n);
    const call = await expect.poll(() => testDb().callLog.findUnique({ where: { callSid: phone.callSid } }), { timeout: 15_000 }).toBeTruthy().then(() => testDb().callLog.findUniqueOrThrow({ where: { callSid: phone.callSid } }));

    // The open overview shows it live without a reload; its page shows the greeting once spoken.
    await expect.poll(() => page.textContent("main"), { timeout: 20_000 }).toContain("live transcript");
    await page.getByRole("link", { name: /live transcript|\+1/ }).first().click();
    await page.waitForURL(new RegExp(`/calls/${call.id}$`));
    await expect.poll(() => page.getByRole("status").first().textContent(), SLOW).toMatch(/Live/);
    await greetingHeard(phone, model, path.db);
    await expect.poll(() => page.locator(".conversation li.agent").first().textContent(), { timeout: 20_000 }).toContain("Harbour Dental, this is the front desk");
    const linesBefore = await page.locator(".conversation li").count();

    // The caller speaks; without reloading, the caller's words and the answer appear.
    phone.say(900, 800);
    await expect.poll(() => page.locator(".conversation li.caller").first().textContent(), { timeout: 20_000 }).toContain("where can I park");
    await expect.poll(() => page.locator(".conversation li.agent").last().textContent(), { timeout: 20_000 }).toContain("Mill Lane");
    expect(await page.locator(".conversation li").count()).toBeGreaterThan(linesBefore);
    await screenshot(page, "journey-call-live");

    await transcriptWith(path.db, phone.callSid, (s) => s.role === "agent" && s.text.includes("Mill Lane"), 10_000);
    await phone.waitFor(() => phone.queuedMs === 0, 10_000, "the answer to play out");
    await phone.hangUp();
    await endedCall(path.db, phone.callSid, 15_000);
    await runJobs(); // post-call analysis
    await expect.poll(() => page.getByTestId("summary").textContent(), { timeout: 20_000 }).not.toMatch(/appears once the call has ended/);
    expect(await page.getByTestId("sentiment").textContent()).toMatch(/positive|neutral|negative/);
    await noA11yProblems("call-analysed");
    expect(b.errors).toEqual([]);
  });

  it("a test call in the browser: the fake microphone's words reach the agent, whose greeting and answer come back", async () => {
    const { page } = b;
    await page.goto("/agent");
    await page.getByRole("link", { name: "Talk to your agent" }).click();
    await page.waitForURL(/\/agent\/test-call$/);
    const n = path.model.connections.length + 1;
    await page.getByRole("button", { name: "Start test call" }).click();
    const model = await path.model.connection(n);
    await expect.poll(() => page.locator(".transcript li.agent").first().textContent(), { timeout: 20_000 }).toContain("Harbour Dental, this is the front desk");
    const heard = async () => Number(/Heard ([\d.]+) s/.exec((await page.getByTestId("heard").textContent()) ?? "")?.[1] ?? 0);
    await expect.poll(heard, { timeout: 10_000 }).toBeGreaterThan(1);
    // The microphone reaches the model: the fake caller's turn is heard, and answered.
    await expect.poll(() => page.locator(".transcript li.caller").first().textContent().catch(() => ""), { timeout: 30_000 }).toContain("where can I park");
    await expect.poll(() => page.locator(".transcript li.agent").last().textContent(), { timeout: 20_000 }).toContain("Mill Lane");
    expect(model.appendedMs).toBeGreaterThan(3000);
    await screenshot(page, "journey-test-call-live");
    await page.getByRole("button", { name: "Hang up" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent(), SLOW).toContain("Call ended. You hung up.");
    const callId = (await page.getByRole("link", { name: "See it in Calls" }).getAttribute("href"))!.split("/").pop()!;
    const call = await expect.poll(() => testDb().callLog.findUnique({ where: { id: callId } }).then((c) => c?.status), { timeout: 15_000 }).toBe("completed")
      .then(() => testDb().callLog.findUniqueOrThrow({ where: { id: callId } }));
    expect(call).toMatchObject({ direction: "web", endReason: "caller_hangup" });
    await noA11yProblems("test-call-ended");
    expect(b.errors).toEqual([]);
  });

  it("barge-in: talking over the agent cuts it off where the browser had played it (marks echoed after playback)", async () => {
    // A caller who talks every two seconds, so the agent is interrupted mid-sentence.
    const talker = await openBrowser({ baseURL: dash.url, extraArgs: fakeMicrophone(fakeCallerWav({ quietMs: 1500, speechMs: 500, afterMs: 0 })) });
    try {
      const { page } = talker;
      await logIn(page);
      await page.goto("/agent/test-call");
      const n = path.model.connections.length + 1;
      await page.getByRole("button", { name: "Start test call" }).click();
      const model = await path.model.connection(n);
      // The model's audio arrives about four times faster than it is spoken: the relay knows
      // how much was heard only from the marks the page echoes as it plays. Echoed at once, the
      // cut would be at the end of what was sent; never echoed, at its start.
      await model.waitFor(() => model.truncations.some((t) => t.audioEndMs > 200 && t.audioEndMs < t.producedMs - 200), 30_000, "a barge-in mid-sentence");
      for (const t of model.truncations) expect(t.audioEndMs).toBeLessThanOrEqual(t.producedMs);
      await page.getByRole("button", { name: "Hang up" }).click();
      await expect.poll(() => page.getByRole("status").first().textContent(), SLOW).toContain("Call ended");
      expect(talker.errors).toEqual([]);
    } finally {
      await talker.close();
    }
  });

  it("a test call without the microphone allowed says how to allow it, and places no call", async () => {
    // A microphone exists, but nobody answers the browser's permission prompt (headless: denied).
    const denied = await openBrowser({ baseURL: dash.url, extraArgs: ["--use-fake-device-for-media-stream"] });
    try {
      const { page } = denied;
      await logIn(page);
      await page.goto("/agent/test-call");
      const before = path.model.connections.length;
      await page.getByRole("button", { name: "Start test call" }).click();
      await expect.poll(() => page.getByRole("alert").textContent().catch(() => ""), { timeout: 15_000 }).toContain("did not let the dashboard use your microphone");
      expect(await page.getByRole("button", { name: "Start test call" }).isEnabled()).toBe(true);
      await screenshot(page, "journey-test-call-no-microphone");
      expect(path.model.connections.length).toBe(before);
      expect(denied.errors).toEqual([]);
    } finally {
      await denied.close();
    }
  });

  it("a test call when the relay cannot be reached says so, and can be tried again", async () => {
    const { page } = b;
    await path.relay.close();
    await page.reload();
    await page.getByRole("button", { name: "Start test call" }).click();
    await expect.poll(() => page.getByRole("alert").textContent().catch(() => ""), { timeout: 15_000 }).toMatch(/voice relay \(127\.0\.0\.1:\d+\) could not be reached/);
    expect(await page.getByRole("button", { name: "Start test call" }).isEnabled()).toBe(true);
    await screenshot(page, "journey-test-call-unreachable");
    // The browser reports the failed socket itself; nothing else may go wrong.
    expect(b.errors.filter((e) => !/WebSocket connection to '.*' failed/.test(e))).toEqual([]);
  });
});

/// <reference lib="dom" />
// The widgets in a real browser, embedded the way a site owner would: a plain page on another
// local origin loads both scripts from the API and shows a business's knowledge and calls; a
// page on an origin the key does not allow shows the refusal; neither side's CSS reaches the
// other. Screenshots go to test/widgets/artifacts/ (gitignored).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { call, createSecretKey, createWidgetKey, startApi, type Api } from "../api/support/api-harness.ts";
import { seedCalls } from "../api/support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";
import { chromiumMissing, launchChromium, SKIP_MESSAGE } from "./support/browser.ts";
import { ensureWidgetsBuilt } from "./support/built-widgets.ts";
import { accessibilityViolations } from "../dashboard/support/checks.ts";
import { embedPage, startHostSite, type HostSite } from "./support/host-page.ts";

const ARTIFACTS = fileURLToPath(new URL("./artifacts/", import.meta.url));
const WAIT = { timeout: 60_000 };
if (chromiumMissing) console.warn(SKIP_MESSAGE);

describe.skipIf(chromiumMissing)("embedded widgets in Chromium", () => {
  let api: Api;
  let browser: Browser;
  let site: HostSite;
  let elsewhere: HostSite;
  let biz: TestBusiness;
  let widgetKey: { id: string; key: string };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await ensureWidgetsBuilt();
    [api, browser, site, elsewhere] = await Promise.all([startApi(), launchChromium(), startHostSite(), startHostSite()]);
    biz = await createTestBusiness(testDb(), {
      plan: "enterprise",
      name: "Rosa's Bakery",
      knowledge: [
        { title: "Parking", category: "visiting", isPublic: true, content: "Free **parking** behind the bakery. See the [map](https://maps.example/rosa) or call ahead." },
        { title: "Gluten-free bread", category: "menu", isPublic: true, content: "We bake gluten-free loaves on Fridays.\n\n- rice bread\n- buckwheat bread" },
        { title: "Allergens", category: "menu", isPublic: true, content: 'Ask us about nuts. <img src="x" onerror="window.__pwned = 1"> <script>window.__pwned = 2</script> [click](javascript:alert(1))' },
        { title: "Staff rota", content: "Internal: Marco opens on Mondays.", isPublic: false },
      ],
    });
    await seedCalls(biz.business, biz.phone.e164, { count: 7, summaryMarker: "ROSA" });
    widgetKey = await createWidgetKey(biz.business, [site.origin]);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([api?.close(), site?.close(), elsewhere?.close()]);
  });

  async function open(host: HostSite, opts: { token?: string; locale?: string; script?: string } = {}): Promise<Page> {
    host.setPage(embedPage({ apiUrl: api.url, knowledgeKey: widgetKey.key, callLogKey: widgetKey.key, ...opts }));
    const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
    await page.goto(host.origin + "/", WAIT);
    return page;
  }

  it("a site embeds both widgets: answers appear, search highlights matches, calls page, and there is a call-us link", async () => {
    const page = await open(site);
    try {
      const knowledge = page.locator("frontdesk-knowledge");
      await knowledge.locator("[data-state=results]").waitFor(WAIT);
      await expect.poll(() => knowledge.locator(".results li").count(), WAIT).toBe(3);
      expect(await knowledge.locator(".results").innerText()).not.toContain("Staff rota");
      const callUs = knowledge.locator(".call a");
      expect(await callUs.getAttribute("href")).toBe(`tel:${biz.phone.e164}`);

      await knowledge.locator("input[type=search]").pressSequentially("where can I park", { delay: 30 });
      await expect.poll(() => knowledge.locator(".results li h3").first().innerText(), WAIT).toContain("Parking");
      expect(await knowledge.locator(".passage mark").count()).toBeGreaterThan(0);
      expect(await knowledge.locator(".live").innerText()).toMatch(/answer/);

      // Keyboard: Tab from the search reaches the first answer's button, Enter opens it.
      await knowledge.locator(".results li h3 button").first().focus();
      await page.keyboard.press("Enter");
      const answer = knowledge.locator(".answer").first();
      await answer.waitFor(WAIT);
      expect(await knowledge.locator(".results li h3 button").first().getAttribute("aria-expanded")).toBe("true");
      const link = answer.locator("a");
      expect(await link.getAttribute("href")).toBe("https://maps.example/rosa");
      expect(await link.getAttribute("rel")).toContain("noopener");
      await page.screenshot({ path: ARTIFACTS + "embedded-search.png", fullPage: true });

      const calls = page.locator("frontdesk-call-log");
      await calls.locator("[data-state=results]").waitFor(WAIT);
      expect(await calls.locator("tbody tr").count()).toBe(5);
      expect(await calls.locator("table").innerText()).not.toMatch(/ROSA|\+\d{7,}/);
      await calls.getByRole("button", { name: /Older/ }).click();
      await expect.poll(() => calls.locator("tbody tr").count(), WAIT).toBe(2);
      expect(await calls.getByRole("button", { name: /Older/ }).isDisabled()).toBe(true);
      await page.screenshot({ path: ARTIFACTS + "embedded-both.png", fullPage: true });
    } finally {
      await page.close();
    }
  }, 180_000);

  it("Markdown in an answer is rendered as text, never as HTML: no injected element, no script, no javascript: link", async () => {
    const page = await open(site);
    try {
      const knowledge = page.locator("frontdesk-knowledge");
      await knowledge.locator("[data-state=results]").waitFor(WAIT);
      await knowledge.getByRole("button", { name: "Allergens" }).click();
      const answer = knowledge.locator(".answer");
      await answer.waitFor(WAIT);
      expect(await answer.innerText()).toContain('<img src="x"');
      expect(await answer.locator("img, script").count()).toBe(0);
      expect(await answer.locator("a").count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    } finally {
      await page.close();
    }
  }, 120_000);

  it("with a token from the business's backend, the call log shows masked callers and summaries", async () => {
    const { key: secret } = await createSecretKey(biz.business, ["calls:read"]);
    const minted = await call(api, "POST", `/v1/widget-keys/${widgetKey.id}/tokens`, { key: secret, body: { ttlSeconds: 300 } });
    expect(minted.status, minted.text).toBe(201);
    const page = await open(site, { token: minted.body.token, locale: "es" });
    try {
      const calls = page.locator("frontdesk-call-log");
      await calls.locator("[data-state=results]").waitFor(WAIT);
      const table = await calls.locator("table").innerText();
      expect(table).toContain("ROSA");
      expect(table).toMatch(/\+•+\d{4}/);
      expect(table).not.toMatch(/\+\d{7,}/);
      expect(await calls.locator("h2").innerText()).toBe("Llamadas recientes");
      await page.screenshot({ path: ARTIFACTS + "call-log-with-token-es.png", fullPage: true });
    } finally {
      await page.close();
    }
  }, 120_000);

  it("a getToken callback is asked for a token, and asked again when the API refuses the one it gave", async () => {
    const { key: secret } = await createSecretKey(biz.business, ["calls:read"]);
    const good = (await call(api, "POST", `/v1/widget-keys/${widgetKey.id}/tokens`, { key: secret })).body.token as string;
    // The first answer is a stale token; the widget must come back for a fresh one.
    const script = `window.asked = 0; customElements.whenDefined("frontdesk-call-log").then(() => {
      document.querySelector("frontdesk-call-log").getToken = async () => (++window.asked === 1 ? "wt_stale.token" : ${JSON.stringify(good)});
    });`;
    const page = await open(site, { script });
    try {
      const calls = page.locator("frontdesk-call-log");
      await expect.poll(async () => (await calls.locator("table").count()) && calls.locator("table").innerText(), WAIT).toContain("ROSA");
      expect(await page.evaluate(() => (window as unknown as { asked: number }).asked)).toBe(2);
    } finally {
      await page.close();
    }
  }, 120_000);

  it("axe finds no serious accessibility problem in either widget, light or dark, with results showing", async () => {
    for (const theme of ["light", "dark"]) {
      site.setPage(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rosa's Bakery</title>
        <script src="${api.url}/widgets/v1/knowledge.js" async></script><script src="${api.url}/widgets/v1/call-log.js" async></script></head>
        <body><main><h1>Rosa's Bakery</h1>
        <frontdesk-knowledge key="${widgetKey.key}" theme="${theme}"></frontdesk-knowledge>
        <frontdesk-call-log key="${widgetKey.key}" theme="${theme}"></frontdesk-call-log></main></body></html>`);
      const page = await browser.newPage();
      try {
        await page.goto(site.origin + "/", WAIT);
        const knowledge = page.locator("frontdesk-knowledge");
        await knowledge.locator("[data-state=results]").waitFor(WAIT);
        await page.locator("frontdesk-call-log [data-state=results]").waitFor(WAIT);
        await knowledge.locator("input").fill("gluten free bread");
        await expect.poll(() => knowledge.locator(".passage mark").count(), WAIT).toBeGreaterThan(0);
        await knowledge.locator(".results li h3 button").first().click();
        expect(await accessibilityViolations(page), theme).toEqual([]);
      } finally {
        await page.close();
      }
    }
  }, 180_000);

  it("with refresh set, the call log shows a new call without a reload", async () => {
    const quiet = await createTestBusiness(testDb(), { plan: "enterprise" });
    await seedCalls(quiet.business, quiet.phone.e164, { count: 1, until: new Date(Date.now() - 3_600_000) });
    const { key } = await createWidgetKey(quiet.business, [site.origin]);
    site.setPage(`<!doctype html><html><head><meta charset="utf-8"><script src="${api.url}/widgets/v1/call-log.js" async></script></head>
      <body><frontdesk-call-log key="${key}" refresh="10"></frontdesk-call-log></body></html>`);
    const page = await browser.newPage();
    try {
      await page.goto(site.origin + "/", WAIT);
      const rows = page.locator("frontdesk-call-log tbody tr");
      await expect.poll(() => rows.count(), WAIT).toBe(1);
      await seedCalls(quiet.business, quiet.phone.e164, { count: 1 });
      // The widget reloads every 10 s (its floor); allow several rounds on a busy machine.
      await expect.poll(() => rows.count(), { timeout: 90_000, interval: 1000 }).toBe(2);
    } finally {
      await page.close();
    }
  }, 180_000);

  it("a widget a page makes in script works, stays as it is when moved, and draws again when added back", async () => {
    site.setPage(`<!doctype html><html><head><meta charset="utf-8"><script src="${api.url}/widgets/v1/knowledge.js" async></script></head>
      <body><div id="a"></div><div id="b"></div></body></html>`);
    const page = await browser.newPage();
    try {
      await page.goto(site.origin + "/", WAIT);
      await page.evaluate(async (key) => {
        await customElements.whenDefined("frontdesk-knowledge");
        const el = document.createElement("frontdesk-knowledge");
        document.querySelector("#a")!.append(el);
        el.setAttribute("key", key);
      }, widgetKey.key);
      const items = page.locator("frontdesk-knowledge .results li");
      await expect.poll(() => items.count(), WAIT).toBe(3);
      await page.evaluate(() => document.querySelector("#b")!.append(document.querySelector("frontdesk-knowledge")!));
      expect(await items.count()).toBe(3);
      await page.evaluate(async () => {
        const el = document.querySelector("frontdesk-knowledge")!;
        el.remove();
        await new Promise((r) => setTimeout(r, 50));
        document.body.append(el);
      });
      await expect.poll(() => items.count(), WAIT).toBe(3);
      expect(await page.locator("frontdesk-knowledge section").count()).toBe(1);
    } finally {
      await page.close();
    }
  }, 120_000);

  it("a page on an origin the key does not allow shows the refusal, not 'offline'", async () => {
    const page = await open(elsewhere);
    try {
      for (const tag of ["frontdesk-knowledge", "frontdesk-call-log"]) {
        const refused = page.locator(`${tag} [data-state=origin-refused]`);
        await refused.waitFor(WAIT);
        expect(await refused.innerText()).toMatch(/not allowed on this website/);
        // It names the exact origin the site owner has to allow.
        expect(await refused.innerText()).toContain(elsewhere.origin);
        // Nothing to search or page through: no search field, no (disabled) pager.
        expect(await page.locator(`${tag} input, ${tag} nav, ${tag} button`).count(), tag).toBe(0);
      }
      await page.screenshot({ path: ARTIFACTS + "origin-refused.png", fullPage: true });
    } finally {
      await page.close();
    }
  }, 120_000);

  it("a wrong key and an unreachable API each show their own state, and theme follows the attribute", async () => {
    site.setPage(`<!doctype html><html><head><meta charset="utf-8">
      <script src="${api.url}/widgets/v1/knowledge.js" async></script></head><body>
      <frontdesk-knowledge id="bad" key="pk_live_${"x".repeat(24)}"></frontdesk-knowledge>
      <frontdesk-knowledge id="down" key="${widgetKey.key}" api-base="http://127.0.0.1:9" theme="light"></frontdesk-knowledge>
      </body></html>`);
    const page = await browser.newPage();
    try {
      await page.goto(site.origin + "/", WAIT);
      await page.locator("#bad [data-state=bad-key]").waitFor(WAIT);
      expect(await page.locator("#bad input").count()).toBe(0);
      const offline = page.locator("#down [data-state=offline]");
      await offline.waitFor(WAIT);
      expect(await offline.getByRole("button").innerText()).toBe("Try again");
      const background = () => page.locator("#down section").evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(await background()).toBe("rgb(255, 255, 255)");
      await page.locator("#down").evaluate((el) => el.setAttribute("theme", "dark"));
      await expect.poll(background, WAIT).toBe("rgb(13, 17, 23)");
      // Every attribute is also an element property.
      await page.locator("#down").evaluate((el) => void ((el as HTMLElement & { locale: string }).locale = "es"));
      await expect.poll(() => offline.getByRole("button").innerText(), WAIT).toBe("Reintentar");
      await page.locator("#down").evaluate((el) => void ((el as HTMLElement & { theme: string }).theme = "light"));
      await expect.poll(background, WAIT).toBe("rgb(255, 255, 255)");
      await page.screenshot({ path: ARTIFACTS + "bad-key-and-offline.png", fullPage: true });
    } finally {
      await page.close();
    }
  }, 120_000);

  it("a business over its widget allowance shows the rate-limited state, not 'offline'", async () => {
    const limited = await startApi({ isolated: true });
    const page = await browser.newPage();
    try {
      const free = await createTestBusiness(testDb(), { plan: "free", knowledge: [{ title: "Hours", content: "Open daily.", isPublic: true }] });
      const { key } = await createWidgetKey(free.business, [site.origin]);
      // Use up the minute's allowance (free plan: 600) from elsewhere, stopping at the first refusal.
      let refused = false;
      for (let sent = 0; !refused && sent < 1000; sent += 25) {
        const batch = await Promise.all(Array.from({ length: 25 }, () => call(limited, "GET", "/v1/widget/calls?limit=1", { key, origin: site.origin })));
        refused = batch.some((r) => r.status === 429);
      }
      expect(refused).toBe(true);
      site.setPage(`<!doctype html><html><head><meta charset="utf-8">
        <script src="${limited.url}/widgets/v1/knowledge.js" async></script></head><body>
        <frontdesk-knowledge key="${key}"></frontdesk-knowledge></body></html>`);
      await page.goto(site.origin + "/", WAIT);
      const state = page.locator("frontdesk-knowledge [data-state=rate-limited]");
      await state.waitFor(WAIT);
      expect(await state.innerText()).toMatch(/Too many requests/);
      await page.screenshot({ path: ARTIFACTS + "rate-limited.png" });
    } finally {
      await page.close();
      await limited.close();
    }
  }, 180_000);

  it("the host page's CSS does not reach inside the widgets, and theirs does not reach out", async () => {
    const page = await open(site);
    try {
      const knowledge = page.locator("frontdesk-knowledge");
      await knowledge.locator("[data-state=results]").waitFor(WAIT);
      const inside = await knowledge.locator("label").evaluate((el) => {
        const s = getComputedStyle(el);
        return { color: s.color, font: s.fontFamily, spacing: s.letterSpacing };
      });
      expect(inside.color).not.toBe("rgb(255, 0, 0)");
      expect(inside.font).not.toMatch(/Courier/);
      expect(inside.spacing).toBe("normal");
      const input = await knowledge.locator("input").evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(input).not.toBe("rgb(255, 0, 0)");
      // The site's own custom property themes the widget (the one way in, on purpose).
      const chip = await knowledge.locator(".cats button[aria-pressed=true]").evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(chip).toBe("rgb(0, 128, 0)");
      // The widget's `.results { list-style: none; padding: 0 }` leaves the host's .results list alone.
      const hostList = await page.locator("#host-list").evaluate((el) => {
        const s = getComputedStyle(el);
        return { list: s.listStyleType, padding: s.paddingInlineStart };
      });
      expect(hostList).toEqual({ list: "disc", padding: "40px" });
      await page.screenshot({ path: ARTIFACTS + "css-isolation.png", fullPage: true });
    } finally {
      await page.close();
    }
  }, 120_000);
});

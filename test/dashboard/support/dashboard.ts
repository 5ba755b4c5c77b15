// The built dashboard as a real process in front of an API, and Chromium driving it:
// what the browser tests stand on. The dashboard is built once (source hash, see
// scripts/lib/dashboard-build.ts) and reused by every test file of the run.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { ensureDashboardBuilt, DASHBOARD_DIR } from "../../../scripts/lib/dashboard-build.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`Chromium not found at ${CHROMIUM}: the dashboard's browser tests are skipped (apt-get install -y chromium, or set CHROMIUM_PATH).`);
export const SCREENSHOTS = resolve(import.meta.dirname, "../artifacts/screenshots");

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface DashboardProcess {
  url: string;
  output(): string;
  close(): Promise<void>;
}

/** Builds the dashboard if its sources changed (slow the first time on a loaded machine). */
export async function buildDashboard(): Promise<void> {
  await ensureDashboardBuilt();
}

/** Runs dashboard/build on `port` (pick it first so the API can allow its origin). */
export async function startDashboard(opts: { port: number; apiUrl: string; env?: Record<string, string> }): Promise<DashboardProcess> {
  const url = `http://127.0.0.1:${opts.port}`;
  const child: ChildProcess = spawn(process.execPath, [join(DASHBOARD_DIR, "build/index.js")], {
    env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: String(opts.port), ORIGIN: url, API_INTERNAL_URL: opts.apiUrl, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the dashboard exited (${child.exitCode}):\n${out}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > until) throw new Error(`the dashboard did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    output: () => out,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far (a test fails on any). */
  errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(opts: { baseURL: string; extraArgs?: string[]; viewport?: { width: number; height: number } }): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: 60_000,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", ...(opts.extraArgs ?? [])],
  });
  const context = await browser.newContext({ baseURL: opts.baseURL, viewport: opts.viewport ?? { width: 1280, height: 900 } });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  const page = await context.newPage();
  const errors: string[] = [];
  const watch = (p: Page) => {
    p.on("console", (m) => {
      if (m.type() === "error") errors.push(`${p.url()}: ${m.text()}`);
    });
    p.on("pageerror", (e) => errors.push(`${p.url()}: ${e.message}`));
  };
  watch(page);
  context.on("page", watch);
  return {
    browser, context, page, errors,
    async close() {
      await browser.close(); // playwright removes its own fresh profile directory
    },
  };
}

/** Logs in through the login page as a person would, and waits for the overview. */
export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((u) => u.pathname === "/");
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

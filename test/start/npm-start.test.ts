// `npm start` on a machine with nothing configured: embedded Postgres, in-process cache,
// all three processes up, the demo business seeded, and Ctrl-C leaves nothing running.
import { afterAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host: "127.0.0.1" });
    sock.once("connect", () => {
      sock.destroy();
      resolve(false);
    });
    sock.once("error", () => resolve(true));
  });
}

const stateDir = mkdtempSync(join(tmpdir(), "frontdesk-start-"));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(stateDir, { recursive: true, force: true });
});

describe("npm start with no configuration", () => {
  it("brings up the API, the relay and the dashboard on embedded defaults, and Ctrl-C stops them all", async () => {
    const [api, realtime, dashboard, widgetDemo] = [await freePort(), await freePort(), await freePort(), await freePort()];
    // Nothing from the test run's environment: no DATABASE_URL, no REDIS_URL, no secrets.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      FRONTDESK_STATE_DIR: stateDir,
      API_PORT: String(api),
      REALTIME_PORT: String(realtime),
      DASHBOARD_PORT: String(dashboard),
      WIDGET_DEMO_PORT: String(widgetDemo),
      LOG_LEVEL: "warn",
    };
    child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)));

    await expect.poll(() => out, { timeout: 300_000, interval: 250 }).toContain("Press Ctrl-C to stop.");
    expect(out).toContain(`http://127.0.0.1:${dashboard}`);
    expect(out).toContain("demo login");
    expect(out).toContain("embedded PostgreSQL");

    for (const port of [api, realtime, dashboard]) {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status, `healthz on ${port}`).toBe(200);
    }
    for (const port of [api, realtime]) {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(res.status, `readyz on ${port}`).toBe(200);
    }
    // The demo business is there: its owner can log in.
    const login = await fetch(`http://127.0.0.1:${api}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "demo@frontdesk.local", password: "frontdesk-demo" }),
    });
    expect(login.status).toBe(200);
    // The dashboard reaches the API through its /api proxy and signs the owner in on its own origin.
    const viaDashboard = await fetch(`http://127.0.0.1:${dashboard}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "demo@frontdesk.local", password: "frontdesk-demo" }),
    });
    expect(viaDashboard.status).toBe(200);
    expect(viaDashboard.headers.getSetCookie().join()).toContain("fd_session=");
    // Its knowledge was indexed by the job worker on the embedded database and is searchable.
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    await expect
      .poll(async () => {
        const res = await fetch(`http://127.0.0.1:${api}/v1/knowledge/search?q=${encodeURIComponent("where do I park?")}`, { headers: { cookie } });
        const body = (await res.json()) as { data?: { title: string }[] };
        return body.data?.[0]?.title;
      }, { timeout: 20_000, interval: 500 })
      .toBe("Location and parking");

    // The widget demo page, on its own origin, embeds both widgets with a key that allows it.
    const demoOrigin = `http://127.0.0.1:${widgetDemo}`;
    expect(out).toContain(`widgets     ${demoOrigin}/`);
    const demoPage = await (await fetch(demoOrigin + "/")).text();
    expect(demoPage).toContain(`http://127.0.0.1:${api}/widgets/v1/knowledge.js`);
    expect(demoPage).toContain("<frontdesk-call-log");
    expect((await fetch(`http://127.0.0.1:${api}/widgets/v1/call-log.js`)).status).toBe(200);
    const demoKey = /key="(pk_live_\w+)"/.exec(demoPage)![1];
    const profile = await fetch(`http://127.0.0.1:${api}/v1/widget/business`, { headers: { authorization: `Bearer ${demoKey}`, origin: demoOrigin } });
    expect(profile.status).toBe(200);
    expect(((await profile.json()) as { name: string; phoneNumber: string }).phoneNumber).toBe("+15555550100");

    child.kill("SIGINT");
    expect(await exited).toBe(0);
    child = undefined;
    for (const port of [api, realtime, dashboard, widgetDemo]) expect(await portClosed(port), `port ${port} closed`).toBe(true);
  }, 400_000);
});

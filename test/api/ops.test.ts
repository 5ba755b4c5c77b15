// Operating the API: probes, metrics, and `npm run start -w api` starting alone from the
// environment and stopping cleanly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { call, startApi, type Api } from "./support/api-harness.ts";

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe("operations", () => {
  it("liveness and readiness answer; readiness checks the database and the cache", async () => {
    expect((await call(api, "GET", "/healthz")).body).toEqual({ status: "ok" });
    expect((await call(api, "GET", "/readyz")).body).toEqual({ status: "ready", checks: { database: true, cache: true, draining: false } });
  });

  it("metrics count requests by operation and status", async () => {
    await call(api, "GET", "/healthz");
    const r = await fetch(`${api.url}/metrics`);
    const text = await r.text();
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*operation="getHealth"[^}]*status="200"[^}]*\} \d+/);
  });

  it("`npm run start -w api` starts the API alone from the environment and stops on SIGTERM", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "api/src/main.ts"], {
      cwd: new URL("../../", import.meta.url).pathname,
      env: { ...process.env, PORT: String(port), LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    try {
      const deadline = Date.now() + 20_000;
      let ready: Response | undefined;
      while (Date.now() < deadline) {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        if (ready) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(ready?.status, output).toBe(200);
      expect(output).toContain("api listening");
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 30_000);
});

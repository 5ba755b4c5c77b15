// The job worker as its own process and the API's drain on SIGTERM, with real processes:
// an API with API_JOB_WORKER=off leaves jobs alone, the worker process runs them and serves
// /healthz, /readyz and /metrics (behind METRICS_TOKEN); on SIGTERM the API reports 503 on
// /readyz, ends event streams with a retry hint, finishes a request in flight and exits 0.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import pg from "pg";
import { createMigratedDatabase, dropDatabases } from "./support/databases.ts";
import { productionEnv } from "./support/env.ts";
import { freePort, killAll, runToEnd, startProcess, waitForStatus, type Proc } from "./support/processes.ts";

let url: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  url = await createMigratedDatabase("procs");
  env = productionEnv(url, { SHUTDOWN_DELAY_MS: "1500", API_DRAIN_TIMEOUT_MS: "20000" });
  const seed = await runToEnd("npm", ["run", "db:seed"], env);
  expect(seed.code, seed.output).toBe(0);
}, 120_000);

afterAll(async () => {
  await killAll();
  await dropDatabases();
});

async function jobCounts(): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM "Job" GROUP BY status`);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  } finally {
    await c.end();
  }
}

async function login(base: string) {
  const res = await fetch(`${base}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "demo@frontdesk.local", password: "frontdesk-demo" }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { csrfToken: string; memberships: { businessId: string }[] };
  return {
    cookie: res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; "),
    csrf: body.csrfToken,
    businessId: body.memberships[0]!.businessId,
  };
}

describe("api and job worker as separate processes", () => {
  let api: Proc;
  let worker: Proc;
  let apiBase: string;
  let workerBase: string;

  it("the worker process runs the jobs the API (API_JOB_WORKER=off) leaves alone, and serves health and metrics", async () => {
    const apiPort = await freePort();
    apiBase = `http://127.0.0.1:${apiPort}`;
    api = startProcess(["api/src/main.ts"], { ...env, PORT: String(apiPort), API_JOB_WORKER: "off" });
    await waitForStatus(`${apiBase}/readyz`, api);
    // Well past the worker's 1 s poll: an API running jobs would have claimed them.
    await new Promise((r) => setTimeout(r, 3000));
    const before = await jobCounts();
    expect(before.queued).toBeGreaterThanOrEqual(6); // the seed's knowledge, one index job per document
    expect(Object.keys(before)).toEqual(["queued"]);

    const workerPort = await freePort();
    workerBase = `http://127.0.0.1:${workerPort}`;
    worker = startProcess(["api/src/main.ts", "--worker"], { ...env, WORKER_PORT: String(workerPort), METRICS_TOKEN: "scrape-me" });
    await waitForStatus(`${workerBase}/healthz`, worker);
    await waitForStatus(`${workerBase}/readyz`, worker);
    // Every job ran (indexing may queue follow-up jobs, which run too).
    await expect.poll(async () => Object.keys(await jobCounts()), { timeout: 90_000, interval: 500 }).toEqual(["done"]);

    const { cookie, businessId } = await login(apiBase);
    const search = await fetch(`${apiBase}/v1/knowledge/search?q=${encodeURIComponent("where do I park?")}`, {
      headers: { cookie, "frontdesk-business": businessId },
    });
    const hits = (await search.json()) as { data: { title: string }[] };
    expect(hits.data[0]?.title).toBe("Location and parking");

    expect((await fetch(`${workerBase}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${workerBase}/metrics`, { headers: { authorization: "Bearer scrape-me" } });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^jobs_queued\{service="worker"\} 0$/m);
    expect(text).toMatch(/^jobs_oldest_queued_age_seconds\{service="worker"\} 0$/m);
    expect(text).toContain("jobs_failures_total");
    expect(text).toContain("webhook_delivery_failures_total");
    // METRICS_TOKEN is off by default: the API's /metrics is open.
    expect((await fetch(`${apiBase}/metrics`)).status).toBe(200);

    expect(await worker.stop("SIGTERM"), worker.output()).toBe(0);
  }, 180_000);

  it("on SIGTERM the API turns unready, ends event streams with a retry hint, finishes a request in flight and exits 0", async () => {
    const { cookie, csrf, businessId } = await login(apiBase);

    // A live event stream.
    const stream = await fetch(`${apiBase}/v1/events`, { headers: { cookie, "frontdesk-business": businessId } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    let streamed = "";
    const streamEnded = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return true;
        streamed += Buffer.from(value).toString();
      }
    })();

    // A request in flight: its body arrives in two halves, around the SIGTERM.
    const body = JSON.stringify({ title: "Late addition", content: "Sent while the instance was shutting down.", isPublic: false });
    const half = Math.floor(body.length / 2);
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${apiBase}/v1/knowledge`, {
        method: "POST",
        headers: { cookie, "x-csrf-token": csrf, "frontdesk-business": businessId, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      }, (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode!, text }));
      });
      req.on("error", reject);
      req.write(body.slice(0, half));
      setTimeout(() => req.end(body.slice(half)), 2500);
      setTimeout(() => api.child.kill("SIGTERM"), 300);
    });

    // Readiness turns 503 while the listener still answers (SHUTDOWN_DELAY_MS).
    await expect
      .poll(async () => (await fetch(`${apiBase}/readyz`).catch(() => undefined))?.status, { timeout: 10_000, interval: 100 })
      .toBe(503);

    expect(await streamEnded).toBe(true);
    // The last words on the stream: reconnect (elsewhere) after a second or two.
    expect(streamed).toMatch(/retry: \d+\n: this instance is shutting down; reconnect\n\n$/);

    const finished = await inFlight;
    expect(finished.status, finished.text).toBe(201);
    expect(await api.exited, api.output()).toBe(0);
  }, 120_000);
});

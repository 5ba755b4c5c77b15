// What an operator sees of a running API process: an access-log line per request carrying the
// request id and business id, a span per request at the OTLP endpoint when one is configured,
// and /metrics behind METRICS_TOKEN.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { createMigratedDatabase, dropDatabases } from "./support/databases.ts";
import { productionEnv } from "./support/env.ts";
import { freePort, killAll, runToEnd, startProcess, waitForStatus, type Proc } from "./support/processes.ts";
import { startTracing } from "@frontdesk/core/observability/tracing";

let collector: Server;
const exported: string[] = [];
let api: Proc;
let base: string;

beforeAll(async () => {
  // A stand-in OpenTelemetry collector: OTLP/HTTP JSON on /v1/traces.
  collector = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      if (req.url === "/v1/traces") exported.push(body);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  const otlpPort = await freePort();
  await new Promise<void>((r) => collector.listen(otlpPort, "127.0.0.1", () => r()));

  const url = await createMigratedDatabase("obs");
  const env = productionEnv(url, {
    LOG_LEVEL: "info",
    METRICS_TOKEN: "scrape-token",
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
    OTEL_SERVICE_NAME: "frontdesk-api-under-test",
  });
  const seed = await runToEnd("npm", ["run", "db:seed"], env);
  expect(seed.code, seed.output).toBe(0);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  api = startProcess(["api/src/main.ts"], { ...env, PORT: String(port) });
  await waitForStatus(`${base}/readyz`, api);
}, 120_000);

afterAll(async () => {
  await killAll();
  collector?.close();
  await dropDatabases();
});

describe("observability of the API process", () => {
  it("logs each request with its request id and business, and exports its span over OTLP", async () => {
    const login = await fetch(`${base}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "demo@frontdesk.local", password: "frontdesk-demo" }),
    });
    const { memberships } = (await login.json()) as { memberships: { businessId: string }[] };
    const businessId = memberships[0]!.businessId;
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const res = await fetch(`${base}/v1/calls`, { headers: { cookie, "frontdesk-business": businessId } });
    expect(res.status).toBe(200);
    const requestId = res.headers.get("request-id")!;

    await expect.poll(() => api.output(), { timeout: 10_000 }).toContain(requestId);
    const line = api.output().split("\n").find((l) => l.includes(requestId))!;
    expect(JSON.parse(line)).toMatchObject({ msg: "request", requestId, businessId, method: "GET", path: "/v1/calls", status: 200, operation: "listCalls" });

    await expect.poll(() => exported.join("\n"), { timeout: 20_000, interval: 250 }).toContain(requestId);
    const batch = exported.find((b) => b.includes(requestId))!;
    expect(batch).toContain("frontdesk-api-under-test");
    expect(batch).toContain("GET listCalls");
    expect(batch).toContain(businessId);
  }, 60_000);

  it("guards /metrics with METRICS_TOKEN when it is set", async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer wrong-token!" } })).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: "Bearer scrape-token" } });
    expect(ok.status).toBe(200);
    const text = await ok.text();
    expect(text).toContain('http_request_duration_seconds_count{service="api",operation="listCalls",method="GET",status="200"} 1');
    expect(text).toMatch(/^jobs_queued\{service="api"\} \d+$/m);
    expect(text).toMatch(/^knowledge_graph_backlog\{service="api"\} \d+$/m);
  });

  it("without OTEL_EXPORTER_OTLP_ENDPOINT, tracing is not started", async () => {
    expect(await startTracing({ otel: { endpoint: undefined, serviceName: undefined } }, "api")).toBeUndefined();
  });
});

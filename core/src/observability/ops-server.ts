// The operational HTTP endpoints of a process that serves nothing else (the job worker):
// /healthz (alive), /readyz (dependencies answer and not draining), /metrics (Prometheus,
// behind METRICS_TOKEN when set).
import { createServer, type Server } from "node:http";
import type { Registry } from "./metrics.ts";
import { metricsAuthorized } from "./metrics-auth.ts";

export interface OpsServerDeps {
  registry: Registry;
  metricsToken: string | undefined;
  /** Named readiness checks; all must answer true. */
  checks: Record<string, () => Promise<boolean>>;
  draining: () => boolean;
}

export function createOpsServer(deps: OpsServerDeps): Server {
  return createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(JSON.stringify(body));
    };
    try {
      if (req.method !== "GET" && req.method !== "HEAD") return json(405, { status: "method not allowed" });
      if (path === "/healthz") return json(200, { status: "ok" });
      if (path === "/readyz") {
        const names = Object.keys(deps.checks);
        const results = await Promise.all(names.map((n) => deps.checks[n]!().catch(() => false)));
        const checks: Record<string, boolean> = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
        const draining = deps.draining();
        const ready = results.every(Boolean) && !draining;
        return json(ready ? 200 : 503, { status: ready ? "ready" : "unavailable", checks: { ...checks, draining } });
      }
      if (path === "/metrics") {
        if (!metricsAuthorized(req.headers.authorization, deps.metricsToken)) {
          return void res.writeHead(401, { "WWW-Authenticate": "Bearer" }).end();
        }
        const text = await deps.registry.metrics();
        return void res.writeHead(200, { "Content-Type": deps.registry.contentType }).end(text);
      }
      json(404, { status: "not found" });
    } catch {
      json(500, { status: "error" });
    }
  });
}

// /healthz (the process is up), /readyz (database and cache answer), /metrics (Prometheus).
import { Router } from "express";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Db } from "@frontdesk/core/db/client";
import type { Registry } from "@frontdesk/core/observability/metrics";
import { metricsAuthorized } from "@frontdesk/core/observability/metrics-auth";

export function healthRoutes(deps: { db: Db; cache: Pick<Cache, "ping">; registry: Registry; draining: () => boolean; metricsToken?: string }) {
  const r = Router();
  r.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  r.get("/readyz", async (_req, res) => {
    const [db, cache] = await Promise.all([
      deps.db.$queryRaw`SELECT 1`.then(() => true, () => false),
      deps.cache.ping().catch(() => false),
    ]);
    const ready = db && cache && !deps.draining();
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "unavailable", db, cache, draining: deps.draining() });
  });
  r.get("/metrics", async (req, res) => {
    if (!metricsAuthorized(req.headers.authorization, deps.metricsToken)) return void res.status(401).set("WWW-Authenticate", "Bearer").end();
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  return r;
}

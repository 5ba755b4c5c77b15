// Liveness and readiness probes for load balancers and orchestrators.
import { userOperation } from "../http/operation.ts";

export const healthOperations = [
  userOperation("getHealth", async () => ({ status: 200, body: { status: "ok" as const } })),

  userOperation("getReadiness", async ({ services }) => {
    const [database, cache] = await Promise.all([
      services.databaseReachable(),
      services.cache.ping().catch(() => false),
    ]);
    const draining = services.draining();
    const ready = database && cache && !draining;
    const body = { status: ready ? ("ready" as const) : ("unavailable" as const), checks: { database, cache, draining } };
    return ready ? { status: 200, body } : { status: 503, body };
  }),
];

// Readiness of the dashboard server: ready until it starts shutting down. (It holds no
// connections of its own; the API's readiness covers the database and cache.)
import { isShuttingDown } from "$lib/server/lifecycle";

export function GET(): Response {
  const draining = isShuttingDown();
  return new Response(JSON.stringify({ status: draining ? "unavailable" : "ready", checks: { draining } }), {
    status: draining ? 503 : 200,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

// Ready when the API answers (without it no page can show anything) and not shutting down.
import { apiInternalUrl } from "$lib/server/upstream";
import { metrics } from "$lib/server/metrics";
import { isShuttingDown } from "$lib/server/lifecycle";

export async function GET(): Promise<Response> {
  let api: "up" | "down" = "down";
  try {
    const res = await fetch(`${apiInternalUrl()}/healthz`, { signal: AbortSignal.timeout(2000) });
    api = res.ok ? "up" : "down";
  } catch {
    api = "down";
  }
  metrics.apiUp = api === "up" ? 1 : 0;
  const draining = isShuttingDown();
  const ready = api === "up" && !draining;
  return new Response(JSON.stringify({ status: ready ? "ready" : "not_ready", service: "dashboard", api, draining }), {
    status: ready ? 200 : 503,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

// Ready when the API answers: without it no page can show anything.
import { apiInternalUrl } from "$lib/server/upstream";
import { metrics } from "$lib/server/metrics";

export async function GET(): Promise<Response> {
  let api: "up" | "down" = "down";
  try {
    const res = await fetch(`${apiInternalUrl()}/healthz`, { signal: AbortSignal.timeout(2000) });
    api = res.ok ? "up" : "down";
  } catch {
    api = "down";
  }
  metrics.apiUp = api === "up" ? 1 : 0;
  return new Response(JSON.stringify({ status: api === "up" ? "ready" : "not_ready", service: "dashboard", api }), {
    status: api === "up" ? 200 : 503,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

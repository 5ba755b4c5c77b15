import { renderMetrics } from "$lib/server/metrics";

export function GET(): Response {
  return new Response(renderMetrics(), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" } });
}

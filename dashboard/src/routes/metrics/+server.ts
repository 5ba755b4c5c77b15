// Prometheus text for the dashboard server. Behind METRICS_TOKEN when it is set, like every process.
import { timingSafeEqual } from "node:crypto";
import { renderMetrics } from "$lib/server/metrics";

function authorized(header: string | null): boolean {
  const token = process.env.METRICS_TOKEN?.trim();
  if (!token) return true;
  const given = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7).trim() : "");
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export function GET({ request }: { request: Request }): Response {
  if (!authorized(request.headers.get("authorization"))) return new Response(null, { status: 401, headers: { "www-authenticate": "Bearer" } });
  return new Response(renderMetrics(), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } });
}

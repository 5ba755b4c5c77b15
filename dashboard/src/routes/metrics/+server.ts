// Prometheus text for the dashboard server: process figures only (the pages call the API,
// whose /metrics carries the product's). Behind METRICS_TOKEN when it is set, like every process.
import { timingSafeEqual } from "node:crypto";

function authorized(header: string | null): boolean {
  const token = process.env.METRICS_TOKEN?.trim();
  if (!token) return true;
  const given = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7).trim() : "");
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export function GET({ request }: { request: Request }): Response {
  if (!authorized(request.headers.get("authorization"))) return new Response(null, { status: 401, headers: { "www-authenticate": "Bearer" } });
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  const label = '{service="dashboard"}';
  const lines = [
    ["process_cpu_seconds_total", "counter", "User and system CPU time", (cpu.user + cpu.system) / 1e6],
    ["process_resident_memory_bytes", "gauge", "Resident memory", mem.rss],
    ["nodejs_heap_size_used_bytes", "gauge", "V8 heap in use", mem.heapUsed],
    ["process_uptime_seconds", "gauge", "Seconds since the process started", process.uptime()],
  ].flatMap(([name, type, help, value]) => [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}${label} ${value}`]);
  return new Response(lines.join("\n") + "\n", { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } });
}

// The dashboard process's /metrics, in Prometheus text format: requests by kind and status
// class, proxy failures, and whether the API answered the last readiness check.
export const metrics = {
  requests: new Map<string, number>(),
  proxyErrors: 0,
  apiUp: 1,
  started: Date.now(),
};

export function countRequest(kind: "page" | "api" | "asset" | "probe", status: number): void {
  const key = `${kind}|${Math.floor(status / 100)}xx`;
  metrics.requests.set(key, (metrics.requests.get(key) ?? 0) + 1);
}

export function renderMetrics(): string {
  const lines = [
    "# HELP dashboard_http_requests_total Requests served by the dashboard, by kind and status class.",
    "# TYPE dashboard_http_requests_total counter",
  ];
  for (const [key, n] of metrics.requests) {
    const [kind, status] = key.split("|");
    lines.push(`dashboard_http_requests_total{kind="${kind}",status="${status}"} ${n}`);
  }
  lines.push(
    "# HELP dashboard_api_proxy_errors_total Proxied requests that could not reach the API.",
    "# TYPE dashboard_api_proxy_errors_total counter",
    `dashboard_api_proxy_errors_total ${metrics.proxyErrors}`,
    "# HELP dashboard_api_up Whether the API answered the dashboard's last check (1) or not (0).",
    "# TYPE dashboard_api_up gauge",
    `dashboard_api_up ${metrics.apiUp}`,
    "# HELP process_uptime_seconds Seconds since the dashboard process started.",
    "# TYPE process_uptime_seconds gauge",
    `process_uptime_seconds ${Math.round((Date.now() - metrics.started) / 1000)}`,
  );
  return lines.join("\n") + "\n";
}

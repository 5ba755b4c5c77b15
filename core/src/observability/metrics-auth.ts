// /metrics on every process may ask for a bearer token (METRICS_TOKEN); unset, it is open,
// as Prometheus scrapes inside the cluster usually are.
import { timingSafeEqual } from "node:crypto";

export function metricsAuthorized(authorization: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : "");
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

// CORS: the dashboard's origin may call with its session cookie (credentials). Widget
// endpoints let the calling page read their answers, never with credentials: a success needs
// the publishable key's allowed origin (checked per request in authenticate), and an error
// (bad key, origin not allowed, rate limited) says only why — which the widget must read to
// tell a site owner what to fix rather than "offline". Preflights cannot carry the key, so
// they are answered for any origin. Everyone else gets no CORS headers.
import type { RequestHandler } from "express";

const ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, Frontdesk-Business, X-CSRF-Token";
const EXPOSED_HEADERS = "Request-Id, RateLimit, RateLimit-Policy, Retry-After, Idempotent-Replayed";
const WIDGET_PATH = /^\/v1\/widget\//;

export function cors(opts: { dashboardOrigins: ReadonlySet<string> }): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (!origin) return next();
    res.vary("Origin");
    const widget = WIDGET_PATH.test(req.path);
    const dashboard = !widget && opts.dashboardOrigins.has(origin);
    // An opaque origin ("null": sandboxed frames, file:) is never echoed.
    if (widget && origin !== "null") {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }
    if (dashboard) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Allow-Credentials", "true");
      res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
      if (widget) {
        res.setHeader("Access-Control-Allow-Methods", "GET");
        res.setHeader("Access-Control-Allow-Headers", "Authorization, Frontdesk-Widget-Token");
        res.setHeader("Access-Control-Max-Age", "600");
      } else if (dashboard) {
        res.setHeader("Access-Control-Allow-Methods", "GET, POST, PATCH, PUT, DELETE");
        res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        res.setHeader("Access-Control-Max-Age", "600");
      }
      res.status(204).end();
      return;
    }
    next();
  };
}

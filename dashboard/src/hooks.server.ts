// Every request: `/api/*` is proxied to the API; pages learn who is signed in (GET /v1/auth/me
// with the user's cookie) and pages behind the login send a signed-out user to log in and back.
import type { Handle, HandleServerError } from "@sveltejs/kit";
import { redirect } from "@sveltejs/kit";
import { proxyToApi } from "$lib/server/proxy";
import { callApi, ApiUnreachable } from "$lib/server/api";
import { countRequest, metrics } from "$lib/server/metrics";
import type { Session } from "$lib/types";

/** Pages anyone may open; everything else needs a session. */
const PUBLIC = [/^\/login$/, /^\/signup(\/verify)?$/, /^\/forgot-password$/, /^\/reset-password$/, /^\/invite$/];
const PROBES = new Set(["/healthz", "/readyz", "/metrics"]);

export const handle: Handle = async ({ event, resolve }) => {
  const path = event.url.pathname;
  if (path === "/api" || path.startsWith("/api/")) {
    const res = await proxyToApi(event);
    countRequest("api", res.status);
    return res;
  }
  if (PROBES.has(path) || path.startsWith("/_app/")) {
    const res = await resolve(event);
    countRequest(PROBES.has(path) ? "probe" : "asset", res.status);
    return res;
  }

  event.locals.session = null;
  event.locals.apiDown = false;
  if (event.cookies.get("fd_session")) {
    try {
      const me = await callApi<Session>(event, "GET", "/v1/auth/me");
      metrics.apiUp = 1;
      if (me.ok) event.locals.session = me.data;
      else if (me.status === 401) event.cookies.delete("fd_session", { path: "/" });
    } catch (err) {
      if (!(err instanceof ApiUnreachable)) throw err;
      metrics.apiUp = 0;
      event.locals.apiDown = true;
    }
  }
  const isPublic = PUBLIC.some((re) => re.test(path));
  if (!isPublic && !event.locals.session && !event.locals.apiDown) {
    const next = path + event.url.search;
    const expired = event.request.headers.get("cookie")?.includes("fd_session=") ? "&expired=1" : "";
    redirect(303, `/login?next=${encodeURIComponent(next)}${expired}`);
  }
  const res = await resolve(event);
  countRequest("page", res.status);
  return res;
};

export const handleError: HandleServerError = ({ error, status }) => {
  if (status !== 404) console.error(error);
  return { message: status === 404 ? "This page does not exist." : "Something went wrong on the dashboard server." };
};

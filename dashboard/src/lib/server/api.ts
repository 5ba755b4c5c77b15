// Server-side calls to the API on behalf of the signed-in user: their cookie, the session's
// CSRF token, the dashboard's origin. A lost session sends the user to log in and back; an
// unreachable API becomes a 503 page that says so.
import { error, redirect, type RequestEvent } from "@sveltejs/kit";
import type { Problem } from "$lib/types";
import { apiInternalUrl, forwardingHeaders } from "./upstream";
import { relaySetCookies } from "./cookies";

export class ApiUnreachable extends Error {}

export type ApiResult<T> = { ok: true; status: number; data: T; problem?: undefined } | { ok: false; status: number; data?: undefined; problem: Problem };

export interface ApiOptions {
  body?: unknown;
  /** Don't turn a 401 into a trip to the login page (the login page itself, the session probe). */
  allowUnauthenticated?: boolean;
  headers?: Record<string, string>;
}

/** Raw call: never redirects, throws ApiUnreachable when the API cannot be reached. */
export async function callApi<T>(event: RequestEvent, method: string, path: string, opts: ApiOptions = {}): Promise<ApiResult<T>> {
  const headers = forwardingHeaders(event, new Headers(opts.headers));
  const cookie = event.request.headers.get("cookie");
  const session = event.cookies.get("fd_session");
  if (session) headers.set("cookie", `fd_session=${session}`);
  else if (cookie) headers.set("cookie", cookie);
  if (method !== "GET" && event.locals.session) headers.set("x-csrf-token", event.locals.session.csrfToken);
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(apiInternalUrl() + path, { method, headers, body, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw new ApiUnreachable((err as Error).message);
  }
  relaySetCookies(event, res.headers.getSetCookie());
  const text = await res.text();
  const json = text ? safeJson(text) : undefined;
  if (res.ok) return { ok: true, status: res.status, data: json as T };
  const problem: Problem = { status: res.status, code: "unknown", detail: text.slice(0, 300), ...(json as object) };
  return { ok: false, status: res.status, problem };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Where to come back to after logging in again. */
export function loginRedirect(event: RequestEvent, expired = true): never {
  event.cookies.delete("fd_session", { path: "/" });
  const back = event.url.pathname + event.url.search;
  const next = back.startsWith("/login") ? "/" : back;
  redirect(303, `/login?next=${encodeURIComponent(next)}${expired ? "&expired=1" : ""}`);
}

/** A call whose failure is the page's failure: 401 → login and back, unreachable → 503. */
export async function api<T>(event: RequestEvent, method: string, path: string, opts: ApiOptions = {}): Promise<ApiResult<T>> {
  let r: ApiResult<T>;
  try {
    r = await callApi<T>(event, method, path, opts);
  } catch (err) {
    if (err instanceof ApiUnreachable) error(503, "The frontdesk API cannot be reached right now. This page will work again once it is back.");
    throw err;
  }
  if (r.status === 401 && !opts.allowUnauthenticated) loginRedirect(event);
  return r;
}

/** A GET whose data the page needs: any failure other than 401/unreachable is the page's error. */
export async function get<T>(event: RequestEvent, path: string): Promise<T> {
  const r = await api<T>(event, "GET", path);
  if (!r.ok) error(r.status === 404 ? 404 : 502, r.problem.detail ?? r.problem.title ?? "The API refused this request.");
  return r.data;
}

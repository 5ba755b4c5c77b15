// How a widget talks to the frontdesk API: GET with the publishable key, and every failure
// sorted into what the widget shows — offline, bad key, origin refused, rate limited. The
// API lets the page read its error answers (CORS), so a refusal is told apart from a
// network failure.

export type Failure =
  | { state: "offline" }
  | { state: "bad-key" }
  | { state: "origin-refused" }
  | { state: "rate-limited"; retryAfterSec: number }
  | { state: "token-invalid" }
  | { state: "failed" };

export type Result<T> = { ok: true; data: T } | ({ ok: false } & Failure);

// The origin the script was loaded from: the default API base (the API serves the scripts).
const script = typeof document !== "undefined" ? (document.currentScript as HTMLScriptElement | null) : null;
const SCRIPT_ORIGIN = script?.src ? new URL(script.src).origin : "";

export function apiBase(attr: string | undefined | null): string {
  return (attr || SCRIPT_ORIGIN || location.origin).replace(/\/+$/, "");
}

export async function widgetGet<T>(base: string, key: string | undefined, path: string, opts: { token?: string; signal?: AbortSignal } = {}): Promise<Result<T>> {
  if (!key) return { ok: false, state: "bad-key" };
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (opts.token) headers["frontdesk-widget-token"] = opts.token;
  let res: Response;
  try {
    res = await fetch(base + path, { headers, signal: opts.signal, credentials: "omit", mode: "cors" });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    return { ok: false, state: "offline" };
  }
  if (res.ok) return { ok: true, data: (await res.json()) as T };
  let code = "";
  try {
    code = ((await res.json()) as { code?: string }).code ?? "";
  } catch {
    /* not a problem+json answer */
  }
  if (res.status === 429) return { ok: false, state: "rate-limited", retryAfterSec: Math.max(1, Number(res.headers.get("retry-after")) || 10) };
  if (code === "origin_not_allowed") return { ok: false, state: "origin-refused" };
  if (code === "invalid_widget_token") return { ok: false, state: "token-invalid" };
  if (res.status === 401 || res.status === 403) return { ok: false, state: "bad-key" };
  return { ok: false, state: "failed" };
}

/** The key or the page's origin was refused: nothing the visitor can do, so the widget shows only that. */
export const refused = (s: Failure | string): boolean => typeof s === "object" && (s.state === "bad-key" || s.state === "origin-refused");

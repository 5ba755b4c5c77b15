// The API's Set-Cookie answers, replayed on the dashboard's origin when a server-side call
// (login, logout) receives them: the browser only ever talks to the dashboard.
import type { RequestEvent } from "@sveltejs/kit";

type CookieOptions = Parameters<RequestEvent["cookies"]["set"]>[2];

export function relaySetCookies(event: RequestEvent, setCookies: string[]): void {
  for (const line of setCookies) {
    const [pair, ...attrs] = line.split(";");
    const eq = pair!.indexOf("=");
    if (eq < 1) continue;
    const name = pair!.slice(0, eq).trim();
    const value = decodeURIComponent(pair!.slice(eq + 1).trim());
    const opts: CookieOptions = { path: "/", httpOnly: false, secure: false };
    for (const attr of attrs) {
      const [k, v = ""] = attr.trim().split("=");
      const key = k!.toLowerCase();
      if (key === "path") opts.path = v;
      else if (key === "httponly") opts.httpOnly = true;
      else if (key === "secure") opts.secure = true;
      else if (key === "samesite") opts.sameSite = v.toLowerCase() as "lax" | "strict" | "none";
      else if (key === "expires") opts.expires = new Date(v);
      else if (key === "max-age") opts.maxAge = Number(v);
    }
    if (opts.expires && opts.expires.getTime() <= Date.now()) event.cookies.delete(name, { path: opts.path ?? "/" });
    else event.cookies.set(name, value, opts);
  }
}

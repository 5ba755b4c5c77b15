// Who is calling: a secret key, a publishable key or a dashboard session, checked against
// what the matched operation accepts (its `security` in openapi.yaml). Session requests that
// change something must carry the session's CSRF token and come from an allowed origin.
import type { Request, RequestHandler } from "express";
import { csrfTokenMatches, SESSION_COOKIE } from "@frontdesk/core/auth/tokens";
import { scopesAllow, SECRET_KEY_PREFIX, PUBLISHABLE_KEY_PREFIX } from "@frontdesk/core/auth/api-keys";
import { acceptedSchemes } from "../spec/spec.ts";
import { forbidden, unauthenticated } from "../http/api-error.ts";
import type { Principal } from "../http/context.ts";
import type { KeyResolver } from "./key-resolver.ts";
import type { SessionStore } from "./session-store.ts";
import { clearSessionCookie } from "./session-store.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface AuthenticateDeps {
  keys: KeyResolver;
  sessions: SessionStore;
  appSecret: string;
  /** Browser origins allowed to use a session (the dashboard, the API's own /docs). */
  sessionOrigins: ReadonlySet<string>;
  secureCookies: boolean;
}

function bearer(req: Request): string | undefined {
  const h = req.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer[ ]+(\S{1,200})\s*$/i.exec(h);
  if (!m) throw unauthenticated("invalid_authorization", "Send the key as `Authorization: Bearer <key>`.");
  return m[1]!;
}

async function fromBearer(deps: AuthenticateDeps, req: Request, token: string): Promise<Principal> {
  const op = req.fd!.op;
  const schemes = acceptedSchemes(op);
  if (token.startsWith(SECRET_KEY_PREFIX)) {
    const found = await deps.keys.secret(token);
    if (!found) throw unauthenticated("invalid_api_key", "The API key is not valid (wrong, revoked or expired).");
    const scopes = schemes.get("secretKey");
    if (!scopes) {
      if (schemes.has("publishableKey")) throw forbidden("secret_key_not_allowed", "Widget endpoints take a publishable key (pk_live_…), never a secret key.");
      throw forbidden("session_required", "This operation is only available to a signed-in dashboard user.");
    }
    if (!scopesAllow(found.key.scopes, scopes)) {
      throw forbidden("insufficient_scope", `The API key lacks the scope this needs: ${scopes.join(", ")}.`);
    }
    return { kind: "secretKey", key: found.key, business: found.business };
  }
  if (token.startsWith(PUBLISHABLE_KEY_PREFIX)) {
    const found = await deps.keys.publishable(token);
    if (!found) throw unauthenticated("invalid_api_key", "The publishable key is not valid (wrong or revoked).");
    const widgets = schemes.get("publishableKey");
    if (!widgets) throw forbidden("publishable_key_not_allowed", "Publishable keys reach only the /v1/widget endpoints.");
    if (!widgets.every((w) => found.widgetKey.widgets.includes(w))) {
      throw forbidden("widget_not_enabled", `This publishable key is not enabled for the ${widgets.join(", ")} widget.`);
    }
    const origin = req.headers.origin;
    if (!origin || !found.widgetKey.allowedOrigins.includes(origin)) {
      throw forbidden("origin_not_allowed", "This publishable key may only be used from the business's allowed origins.");
    }
    return { kind: "publishableKey", widgetKey: found.widgetKey, business: found.business };
  }
  throw unauthenticated("invalid_api_key", "The API key is not valid.");
}

function originAllowed(req: Request, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin) return allowed.has(origin);
  const referer = req.headers.referer;
  if (!referer) return true; // non-browser clients send neither; the CSRF token still applies
  try {
    return allowed.has(new URL(referer).origin);
  } catch {
    return false;
  }
}

export function authenticate(deps: AuthenticateDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const fd = req.fd!;
      const schemes = acceptedSchemes(fd.op);
      const isPublic = schemes.size === 0;
      const token = isPublic ? undefined : bearer(req);
      if (token !== undefined) {
        fd.principal = await fromBearer(deps, req, token);
        return next();
      }
      const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
      if (isPublic) return next();
      if (!schemes.has("session")) {
        throw unauthenticated("unauthenticated", schemes.has("publishableKey") ? "Send a publishable key (pk_live_…)." : "Send an API key.");
      }
      if (!cookie) throw unauthenticated("unauthenticated", "Sign in, or send an API key as `Authorization: Bearer sk_live_…`.");
      const session = await deps.sessions.resolve(cookie);
      if (!session) {
        clearSessionCookie(res, deps.secureCookies);
        throw unauthenticated("session_expired", "Your session has ended; sign in again.");
      }
      if (!SAFE_METHODS.has(req.method)) {
        const csrf = req.headers["x-csrf-token"];
        if (!originAllowed(req, deps.sessionOrigins) || !csrfTokenMatches(typeof csrf === "string" ? csrf : undefined, session.tokenHash, deps.appSecret)) {
          throw forbidden("csrf_failed", "Send the session's csrfToken in the X-CSRF-Token header, from the dashboard's origin.");
        }
      }
      fd.principal = session;
      next();
    } catch (err) {
      next(err);
    }
  };
}

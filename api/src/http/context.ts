// What the middleware learns about a request, attached to it for the layers after: the
// operation it matched, who is calling (principal) and which business it acts on (tenant).
import type { ApiKey, Business, Role, User, WidgetKey } from "@prisma/client";
import type { TenantDb } from "@frontdesk/core/db/tenant";
import type { SpecOperation } from "../spec/spec.ts";
import type { TenantReader } from "../read/tenant-reader.ts";
import type { TenantKnowledge } from "../services.ts";

export interface SessionPrincipal {
  kind: "session";
  user: Pick<User, "id" | "email" | "name" | "createdAt">;
  sessionId: string;
  tokenHash: string;
  expiresAt: Date;
}

export interface SecretKeyPrincipal {
  kind: "secretKey";
  key: Pick<ApiKey, "id" | "businessId" | "name" | "scopes" | "expiresAt" | "revokedAt">;
  business: Business;
}

export interface PublishableKeyPrincipal {
  kind: "publishableKey";
  widgetKey: Pick<WidgetKey, "id" | "businessId" | "widgets" | "allowedOrigins">;
  business: Business;
}

export type Principal = SessionPrincipal | SecretKeyPrincipal | PublishableKeyPrincipal | { kind: "anonymous" };

export interface Actor {
  type: "user" | "api_key" | "widget_key";
  id: string;
}

/** The business a request acts on, and the only ways to its data: a scoped client and reader. */
export interface Tenant {
  business: Business;
  db: TenantDb;
  /** Raw reads (calls list, analytics, usage) with the business id fixed. */
  read: TenantReader;
  /** The knowledge engine, bound to the business. */
  knowledge: TenantKnowledge;
  /** The session user's role; null for keys (their scopes decide). */
  role: Role | null;
  actor: Actor;
}

export interface RequestState {
  op: SpecOperation;
  params: Record<string, string>;
  principal: Principal;
  tenant?: Tenant;
}

declare module "express-serve-static-core" {
  interface Request {
    fd?: RequestState;
  }
}

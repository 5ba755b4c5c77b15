// What handlers may use, built once per app (app.ts). No handler is given a database client:
// a tenant handler reaches its business's data through its Tenant (a scoped client, a reader
// and the knowledge engine, each bound to that business); a user-level handler acts through
// the account verbs below, each a core/ verb bound to the database here. Declared from core's
// types alone, so http/ can name them without reaching up to auth/ or read/.
import type { Business, Plan, RAGContent, Role, User } from "@prisma/client";
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Db } from "@frontdesk/core/db/client";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Logger } from "@frontdesk/core/observability/logger";
import type { Mailer } from "@frontdesk/core/mail/mailer";
import type { Resolver } from "@frontdesk/core/webhooks/post-webhook";
import type { TwilioNumbers } from "@frontdesk/core/telephony/twilio-numbers";
import type { BillingDeps } from "@frontdesk/core/billing/start-checkout";
import type { BillingPolicy } from "@frontdesk/core/billing/effective-plan";
import type { TwilioDialer } from "@frontdesk/core/telephony/twilio-dial";
import type { TwilioRecordings } from "@frontdesk/core/telephony/twilio-recordings";
import type { LoginThrottle } from "@frontdesk/core/auth/login-throttle";
import type { KnowledgeDocInput, KnowledgeService } from "@frontdesk/core/knowledge/knowledge-service";
import type { KnowledgeAnswer, KnowledgeHit, KnowledgeQuery } from "@frontdesk/core/knowledge/knowledge-search";
import { signUp, type SignUpInput } from "@frontdesk/core/auth/sign-up";
import { recordLogin } from "@frontdesk/core/auth/record-login";
import { requestSignUp, type SignUpRequest } from "@frontdesk/core/auth/request-sign-up";
import { completeSignUp } from "@frontdesk/core/auth/complete-sign-up";
import { requestPasswordReset, resetPassword } from "@frontdesk/core/auth/password-reset";
import { changePassword, renameUser } from "@frontdesk/core/auth/change-password";
import type { MailMessage } from "@frontdesk/core/mail/mailer";
import { normaliseEmail } from "@frontdesk/core/auth/email";
import { createBusiness, type NewBusiness } from "@frontdesk/core/business/create-business";
import { acceptInvite, type AcceptInviteInput } from "@frontdesk/core/business/accept-invite";
import { lookupInvite, type InvitePreview } from "@frontdesk/core/business/lookup-invite";
import { listMemberships, listUserBusinesses, type MembershipSummary } from "@frontdesk/core/business/user-businesses";

export type KnowledgeApi = Pick<KnowledgeService, "createContent" | "updateContent" | "deleteContent" | "importContents" | "search" | "answer">;

/** The knowledge engine for one business: the business is bound, never passed. */
export interface TenantKnowledge {
  createContent(input: KnowledgeDocInput): Promise<RAGContent>;
  updateContent(id: string, patch: Partial<KnowledgeDocInput>): Promise<RAGContent>;
  deleteContent(id: string): Promise<void>;
  importContents(docs: KnowledgeDocInput[]): Promise<{ imported: number; contents: RAGContent[] }>;
  search(q: Omit<KnowledgeQuery, "businessId">): Promise<KnowledgeHit[]>;
  answer(q: Omit<KnowledgeQuery, "businessId">): Promise<KnowledgeAnswer>;
}

export function knowledgeFor(knowledge: KnowledgeApi, businessId: string): TenantKnowledge {
  return {
    createContent: (input) => knowledge.createContent(businessId, input),
    updateContent: (id, patch) => knowledge.updateContent(businessId, id, patch),
    deleteContent: (id) => knowledge.deleteContent(businessId, id),
    importContents: (docs) => knowledge.importContents(businessId, docs),
    search: (q) => knowledge.search({ ...q, businessId }),
    answer: (q) => knowledge.answer({ ...q, businessId }),
  };
}

interface CommonServices {
  config: AppConfig;
  cache: Cache;
  logger: Logger;
  /** Outgoing mail (invites, sign-up and password links). */
  mailer: Mailer;
  now: () => Date;
}

/** What a tenant handler is given besides its Tenant. */
export interface TenantServices extends CommonServices {
  /** Drops cached answers for a business's keys on every instance (after its keys or the business change). */
  keys: { invalidate(businessId: string): Promise<void> };
  /** Resolves webhook host names for the SSRF guard (the system resolver; a test may stand in for DNS). */
  resolveHost: Resolver;
  allowPrivateWebhookTargets: boolean;
  /** Points attached numbers at the relay through Twilio's REST API (when configured). */
  twilioNumbers: TwilioNumbers;
  /** Plans bought through Stripe; `stripe` undefined when billing is off (no STRIPE_SECRET_KEY). */
  billing: { policy: BillingPolicy; stripe: BillingDeps | undefined };
  /** Places outbound calls through Twilio's REST API (when configured). */
  twilioDialer: TwilioDialer;
  /** Reads and deletes call recordings at Twilio (when configured). */
  twilioRecordings: TwilioRecordings;
}

/** The acts of a signed-in (or signing-up) user on their own account. */
export interface Accounts {
  signUp(input: SignUpInput): Promise<User>;
  /** The mail that answers a sign-up: a confirmation link, or a note to the address's owner. */
  requestSignUp(input: SignUpRequest, ctx: { dashboardUrl: string; at: Date }): Promise<MailMessage>;
  /** Spends a sign-up link and makes the account. */
  completeSignUp(input: { token: string; at: Date }): Promise<User>;
  requestPasswordReset(input: { email: string }, ctx: { dashboardUrl: string; at: Date }): Promise<MailMessage | null>;
  resetPassword(input: { token: string; passwordHash: string; at: Date }): Promise<User>;
  changePassword(input: { userId: string; currentPassword: string; newPasswordHash: string; keepSessionId: string }): Promise<void>;
  renameUser(input: { userId: string; name: string }): Promise<void>;
  findUserByEmail(email: string): Promise<User | null>;
  recordLogin(userId: string, at: Date): Promise<void>;
  /** Every business of the user (for the session). */
  memberships(userId: string): Promise<MembershipSummary[]>;
  /** A page of the user's businesses, newest first. */
  businesses(userId: string, page: { startingAfter?: string; take: number }): Promise<{ business: Business; role: Role }[]>;
  createBusiness(input: NewBusiness): Promise<Business>;
  acceptInvite(input: AcceptInviteInput): Promise<{ businessId: string }>;
  /** What an invitation token is for (no session needed). */
  lookupInvite(input: { token: string; at: Date }): Promise<InvitePreview>;
}

/** Dashboard sessions as handlers use them (auth/session-store.ts keeps them). */
export interface Sessions {
  create(userId: string, meta: { ip?: string; userAgent?: string }): Promise<{ token: string; tokenHash: string; expiresAt: Date }>;
  destroy(tokenHash: string): Promise<void>;
  forgetUser(userId: string): Promise<void>;
}

/** What a user-level handler (auth, the caller's businesses, invites, probes) is given. */
export interface UserServices extends CommonServices {
  accounts: Accounts;
  sessions: Sessions;
  loginThrottle: LoginThrottle;
  /** bcrypt cost for new password hashes. */
  passwordCost: number;
  secureCookies: boolean;
  /** Readiness: whether the database answers. */
  databaseReachable(): Promise<boolean>;
  /** Readiness: true once SIGTERM started the drain. */
  draining(): boolean;
}

export interface ApiServices {
  tenant: TenantServices;
  user: UserServices;
}

/** The account verbs on a database: the one place a user-level handler's acts meet the plain client. */
export function accountsOn(db: Db, defaultPlan?: Plan): Accounts {
  return {
    signUp: (input) => signUp(db, { ...(defaultPlan ? { plan: defaultPlan } : {}), ...input }),
    requestSignUp: (input, ctx) => requestSignUp(db, input, ctx),
    completeSignUp: (input) => completeSignUp(db, input),
    requestPasswordReset: (input, ctx) => requestPasswordReset(db, input, ctx),
    resetPassword: (input) => resetPassword(db, input),
    changePassword: (input) => changePassword(db, input),
    renameUser: (input) => renameUser(db, input),
    findUserByEmail: (email) => db.user.findUnique({ where: { email: normaliseEmail(email) } }),
    recordLogin: (userId, at) => recordLogin(db, userId, at),
    memberships: (userId) => listMemberships(db, userId),
    businesses: (userId, page) => listUserBusinesses(db, userId, page),
    createBusiness: (input) => createBusiness(db, { ...(defaultPlan ? { plan: defaultPlan } : {}), ...input }),
    acceptInvite: (input) => acceptInvite(db, input),
    lookupInvite: (input) => lookupInvite(db, input),
  };
}

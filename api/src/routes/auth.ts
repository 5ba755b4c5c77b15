// Accounts for the dashboard: sign-up by a mailed link, login, logout, the current session,
// password reset by a mailed link, and changing one's name and password. Answers to sign-up
// and forgotten-password requests never tell whether an address has an account: the same
// status and body, the same work (a password hash) and mail sent in the background.
import type { Request, Response } from "express";
import type { User } from "@prisma/client";
import { hashPassword, passwordProblem } from "@frontdesk/core/auth/password";
import { normaliseEmail } from "@frontdesk/core/auth/email";
import { sendInBackground } from "@frontdesk/core/mail/mailer";
import { userOperation } from "../http/operation.ts";
import { invalid } from "../http/api-error.ts";
import { clearSessionCookie, setSessionCookie } from "../auth/session-store.ts";
import { createLoginAuthenticator } from "../auth/login.ts";
import type { UserServices } from "../services.ts";
import { sessionBody } from "./session-body.ts";

const loginFor = new WeakMap<UserServices, ReturnType<typeof createLoginAuthenticator>>();

function checkPassword(password: string, email: string, path: string) {
  const weak = passwordProblem(password, email);
  if (weak) throw invalid(`The password ${weak}.`, [{ path, message: weak }]);
}

async function signIn(services: UserServices, req: Request, res: Response, user: Pick<User, "id" | "email" | "name" | "createdAt">) {
  const session = await services.sessions.create(user.id, { ip: req.ip, userAgent: req.headers["user-agent"] });
  setSessionCookie(res, session.token, session.expiresAt, services.secureCookies);
  return sessionBody(services.accounts, services.config.appSecret, { user, ...session });
}

const CHECK_INBOX = "If this address can be used, a link is on its way to it; check the inbox.";

export const authOperations = [
  userOperation("signup", async ({ body, services }) => {
    const email = normaliseEmail(body.email);
    checkPassword(body.password, email, "body.password");
    const passwordHash = await hashPassword(body.password, services.passwordCost);
    const ctx = { dashboardUrl: services.config.dashboardUrl, at: services.now() };
    const mail = await services.accounts.requestSignUp({ email, name: body.name, passwordHash, businessName: body.businessName }, ctx);
    sendInBackground(services.mailer, services.logger, mail, "signup");
    return { status: 202, body: { email, detail: CHECK_INBOX } };
  }),

  userOperation("verifyEmail", async ({ req, res, body, services }) => {
    const user = await services.accounts.completeSignUp({ token: body.token, at: services.now() });
    return { status: 201, body: await signIn(services, req, res, user) };
  }),

  userOperation("forgotPassword", async ({ body, services }) => {
    const email = normaliseEmail(body.email);
    const mail = await services.accounts.requestPasswordReset({ email }, { dashboardUrl: services.config.dashboardUrl, at: services.now() });
    if (mail) sendInBackground(services.mailer, services.logger, mail, "password_reset");
    return { status: 202, body: { email, detail: CHECK_INBOX } };
  }),

  userOperation("resetPassword", async ({ req, res, body, services }) => {
    // Checked for strength without the email (unknown until the token is spent).
    checkPassword(body.password, "", "body.password");
    const passwordHash = await hashPassword(body.password, services.passwordCost);
    const user = await services.accounts.resetPassword({ token: body.token, passwordHash, at: services.now() });
    await services.sessions.forgetUser(user.id);
    return { status: 200, body: await signIn(services, req, res, user) };
  }),

  userOperation("login", async ({ req, res, services }) => {
    let login = loginFor.get(services);
    if (!login) loginFor.set(services, (login = createLoginAuthenticator(services)));
    const user = await login(req, res);
    await services.accounts.recordLogin(user.id, services.now());
    return { status: 200, body: await signIn(services, req, res, user) };
  }),

  userOperation("logout", async ({ res, principal, services }) => {
    if (principal.kind === "session") await services.sessions.destroy(principal.tokenHash);
    clearSessionCookie(res, services.secureCookies);
    return { status: 204, body: undefined };
  }),

  userOperation("getMe", async ({ principal, services }) => {
    if (principal.kind !== "session") throw new Error("getMe without a session");
    return { status: 200, body: await sessionBody(services.accounts, services.config.appSecret, principal) };
  }),

  userOperation("updateMe", async ({ principal, body, services }) => {
    if (principal.kind !== "session") throw new Error("updateMe without a session");
    const name = body.name.trim();
    if (!name) throw invalid("The name must not be blank.", [{ path: "body.name", message: "must not be blank" }]);
    await services.accounts.renameUser({ userId: principal.user.id, name });
    await services.sessions.forgetUser(principal.user.id);
    return { status: 200, body: await sessionBody(services.accounts, services.config.appSecret, { ...principal, user: { ...principal.user, name } }) };
  }),

  userOperation("changePassword", async ({ principal, body, services }) => {
    if (principal.kind !== "session") throw new Error("changePassword without a session");
    checkPassword(body.newPassword, principal.user.email, "body.newPassword");
    const newPasswordHash = await hashPassword(body.newPassword, services.passwordCost);
    await services.accounts.changePassword({ userId: principal.user.id, currentPassword: body.currentPassword, newPasswordHash, keepSessionId: principal.sessionId });
    await services.sessions.forgetUser(principal.user.id);
    return { status: 204, body: undefined };
  }),
];

// Sign-up, login, logout and the current session, for the dashboard.
import { hashPassword, passwordProblem } from "@frontdesk/core/auth/password";
import { normaliseEmail } from "@frontdesk/core/auth/email";
import { userOperation } from "../http/operation.ts";
import { invalid } from "../http/api-error.ts";
import { clearSessionCookie, setSessionCookie } from "../auth/session-store.ts";
import { createLoginAuthenticator } from "../auth/login.ts";
import type { UserServices } from "../services.ts";
import { sessionBody } from "./session-body.ts";

const loginFor = new WeakMap<UserServices, ReturnType<typeof createLoginAuthenticator>>();

export const authOperations = [
  userOperation("signup", async ({ req, res, body, services }) => {
    const email = normaliseEmail(body.email);
    const weak = passwordProblem(body.password, email);
    if (weak) throw invalid(`The password ${weak}.`, [{ path: "body.password", message: weak }]);
    const passwordHash = await hashPassword(body.password, services.passwordCost);
    const user = await services.accounts.signUp({ email, name: body.name, passwordHash, lastLoginAt: services.now(), businessName: body.businessName });
    const session = await services.sessions.create(user.id, { ip: req.ip, userAgent: req.headers["user-agent"] });
    setSessionCookie(res, session.token, session.expiresAt, services.secureCookies);
    return { status: 201, body: await sessionBody(services.accounts, services.config.appSecret, { user, ...session }) };
  }),

  userOperation("login", async ({ req, res, services }) => {
    let login = loginFor.get(services);
    if (!login) loginFor.set(services, (login = createLoginAuthenticator(services)));
    const user = await login(req, res);
    await services.accounts.recordLogin(user.id, services.now());
    const session = await services.sessions.create(user.id, { ip: req.ip, userAgent: req.headers["user-agent"] });
    setSessionCookie(res, session.token, session.expiresAt, services.secureCookies);
    return { status: 200, body: await sessionBody(services.accounts, services.config.appSecret, { user, ...session }) };
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
];

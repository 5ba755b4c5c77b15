// Sign-up, login, logout and the current session, for the dashboard.
import { Prisma } from "@prisma/client";
import { hashPassword, passwordProblem } from "@frontdesk/core/auth/password";
import { userOperation } from "../http/operation.ts";
import { conflict, invalid } from "../http/api-error.ts";
import { clearSessionCookie, setSessionCookie } from "../auth/session-store.ts";
import { sessionBody } from "../auth/session-body.ts";
import { createLoginAuthenticator, normaliseEmail } from "../auth/login.ts";
import { createBusinessFor } from "./businesses.ts";
import type { ApiServices } from "../services.ts";

const loginFor = new WeakMap<ApiServices, ReturnType<typeof createLoginAuthenticator>>();

export const authOperations = [
  userOperation("signup", async ({ req, res, body, services }) => {
    const email = normaliseEmail(body.email);
    const weak = passwordProblem(body.password, email);
    if (weak) throw invalid(`The password ${weak}.`, [{ path: "body.password", message: weak }]);
    const passwordHash = await hashPassword(body.password, services.passwordCost);
    const user = await services.db
      .$transaction(async (tx) => {
        const created = await tx.user.create({ data: { email, name: body.name.trim() || email, passwordHash, lastLoginAt: services.now() } });
        if (body.businessName) await createBusinessFor(tx, created.id, { name: body.businessName });
        return created;
      })
      .catch((err) => {
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
          throw conflict("email_taken", "An account with this email exists; log in instead.");
        }
        throw err;
      });
    const session = await services.sessions.create(user.id, { ip: req.ip, userAgent: req.headers["user-agent"] });
    setSessionCookie(res, session.token, session.expiresAt, services.secureCookies);
    return { status: 201, body: await sessionBody(services.db, services.config.appSecret, { user, ...session }) };
  }),

  userOperation("login", async ({ req, res, services }) => {
    let login = loginFor.get(services);
    if (!login) loginFor.set(services, (login = createLoginAuthenticator(services)));
    const user = await login(req, res);
    await services.db.user.update({ where: { id: user.id }, data: { lastLoginAt: services.now() } });
    const session = await services.sessions.create(user.id, { ip: req.ip, userAgent: req.headers["user-agent"] });
    setSessionCookie(res, session.token, session.expiresAt, services.secureCookies);
    return { status: 200, body: await sessionBody(services.db, services.config.appSecret, { user, ...session }) };
  }),

  userOperation("logout", async ({ res, principal, services }) => {
    if (principal.kind === "session") await services.sessions.destroy(principal.tokenHash);
    clearSessionCookie(res, services.secureCookies);
    return { status: 204, body: undefined };
  }),

  userOperation("getMe", async ({ principal, services }) => {
    if (principal.kind !== "session") throw new Error("getMe without a session");
    return { status: 200, body: await sessionBody(services.db, services.config.appSecret, principal) };
  }),
];

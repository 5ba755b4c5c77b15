// Email + password login through passport-local, throttled per account and per IP. Every
// failure looks the same from outside (no hint whether the email exists).
import type { Request, Response } from "express";
import passport from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import type { User } from "@prisma/client";
import type { LoginThrottle } from "@frontdesk/core/auth/login-throttle";
import { normaliseEmail } from "@frontdesk/core/auth/email";
import { verifyPassword, verifyPasswordOfUnknownUser } from "@frontdesk/core/auth/password";
import { ApiError, unauthenticated } from "../http/api-error.ts";

const STRATEGY = "email-password";

export interface LoginDeps {
  accounts: { findUserByEmail(email: string): Promise<User | null> };
  loginThrottle: LoginThrottle;
  passwordCost: number;
}

function throttled(retryAfterMs: number): ApiError {
  const retryAfter = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  return new ApiError("rate_limited", "login_throttled", {
    userMessage: `Too many failed logins; try again in ${retryAfter} s.`,
    headers: { "Retry-After": retryAfter },
  });
}

/** A passport instance of its own (no global state), with the one local strategy. */
export function createLoginAuthenticator(deps: LoginDeps) {
  const authenticator = new passport.Passport();
  authenticator.use(
    STRATEGY,
    new LocalStrategy({ usernameField: "email", passwordField: "password", passReqToCallback: true, session: false }, (req, emailIn, password, done) => {
      const email = normaliseEmail(emailIn);
      const ip = req.ip ?? "unknown";
      (async () => {
        const verdict = await deps.loginThrottle.check(email, ip);
        if (!verdict.allowed) throw throttled(verdict.retryAfterMs);
        const user = await deps.accounts.findUserByEmail(email);
        const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyPasswordOfUnknownUser(password, deps.passwordCost);
        if (!user || !ok) {
          await deps.loginThrottle.recordFailure(email, ip);
          return false as const;
        }
        await deps.loginThrottle.recordSuccess(email);
        return user;
      })().then(
        (user) => done(null, user),
        (err) => done(err),
      );
    }),
  );

  return (req: Request, res: Response): Promise<User> =>
    new Promise((resolve, reject) => {
      authenticator.authenticate(STRATEGY, { session: false }, (err: unknown, user: User | false) => {
        if (err) return reject(err);
        if (!user) return reject(unauthenticated("invalid_credentials", "The email or password is wrong."));
        resolve(user);
      })(req, res, (err?: unknown) => reject(err));
    });
}

// The product's emails, as plain text. Links point at the dashboard (DASHBOARD_URL), whose
// pages take the token from the query string and call the API with it.
import type { MailMessage } from "./mailer.ts";

/** Dashboard pages the links open (the dashboard serves them). */
export const DASHBOARD_LINKS = {
  verifyEmail: "/signup/verify",
  resetPassword: "/reset-password",
  acceptInvite: "/invite",
  login: "/login",
  forgotPassword: "/forgot-password",
} as const;

function link(dashboardUrl: string, page: string, token?: string): string {
  return `${dashboardUrl}${page}${token ? `?token=${encodeURIComponent(token)}` : ""}`;
}

export function inviteMail(input: { to: string; businessName: string; inviterName: string | null; role: string; token: string; dashboardUrl: string; expiresAt: Date }): MailMessage {
  const who = input.inviterName ?? "Someone";
  return {
    to: input.to,
    subject: `${who} invited you to ${input.businessName} on frontdesk`,
    text: [
      `${who} invited you to join ${input.businessName} on frontdesk as ${input.role === "admin" ? "an admin" : `a ${input.role}`}.`,
      "",
      `Accept the invitation: ${link(input.dashboardUrl, DASHBOARD_LINKS.acceptInvite, input.token)}`,
      "",
      `The link works until ${input.expiresAt.toUTCString()}. If you did not expect it, ignore this email.`,
    ].join("\n"),
  };
}

export function verifyEmailMail(input: { to: string; token: string; dashboardUrl: string; ttlHours: number }): MailMessage {
  return {
    to: input.to,
    subject: "Confirm your email to finish signing up to frontdesk",
    text: [
      "Welcome to frontdesk. Confirm this is your email address to create your account:",
      "",
      link(input.dashboardUrl, DASHBOARD_LINKS.verifyEmail, input.token),
      "",
      `The link works once, for ${input.ttlHours} hours. If you did not sign up, ignore this email: no account is made.`,
    ].join("\n"),
  };
}

export function signupAttemptMail(input: { to: string; dashboardUrl: string }): MailMessage {
  return {
    to: input.to,
    subject: "Someone tried to sign up to frontdesk with your email",
    text: [
      "Someone (perhaps you) tried to create a frontdesk account with this email address, which already has one.",
      "Nothing was changed.",
      "",
      `Log in: ${link(input.dashboardUrl, DASHBOARD_LINKS.login)}`,
      `Forgot your password? ${link(input.dashboardUrl, DASHBOARD_LINKS.forgotPassword)}`,
    ].join("\n"),
  };
}

export function passwordResetMail(input: { to: string; token: string; dashboardUrl: string; ttlMinutes: number }): MailMessage {
  return {
    to: input.to,
    subject: "Reset your frontdesk password",
    text: [
      "Someone (perhaps you) asked to reset the password of your frontdesk account. Choose a new one here:",
      "",
      link(input.dashboardUrl, DASHBOARD_LINKS.resetPassword, input.token),
      "",
      `The link works once, for ${input.ttlMinutes} minutes. If you did not ask, ignore this email: your password stays as it is.`,
    ].join("\n"),
  };
}

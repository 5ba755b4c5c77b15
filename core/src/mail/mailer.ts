// Outgoing mail: over SMTP (nodemailer) when SMTP_URL is set, otherwise printed to the
// console so a developer running `npm start` can follow a sign-up or invite link by hand.
import nodemailer from "nodemailer";
import type { Logger } from "../observability/logger.ts";

export interface MailMessage {
  to: string;
  subject: string;
  /** Plain text: every message reads fully without HTML. */
  text: string;
}

export interface Mailer {
  /** "smtp" or "console": which way messages leave. */
  readonly transport: "smtp" | "console";
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export interface MailerConfig {
  smtpUrl: string | undefined;
  from: string;
}

export function createMailer(config: MailerConfig, opts: { logger?: Logger; write?: (text: string) => void } = {}): Mailer {
  if (config.smtpUrl) return smtpMailer(config.smtpUrl, config.from);
  return consoleMailer(config.from, opts.write ?? ((text) => void process.stdout.write(text)));
}

function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    transport: "smtp",
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
    close: () => transport.close(),
  };
}

function consoleMailer(from: string, write: (text: string) => void): Mailer {
  return {
    transport: "console",
    async send(message) {
      const rule = "-".repeat(60);
      write(`${rule}\nmail (console; set SMTP_URL to send it)\nFrom: ${from}\nTo: ${message.to}\nSubject: ${message.subject}\n\n${message.text}\n${rule}\n`);
    },
    close() {},
  };
}

/**
 * Sends without making the caller wait or fail: for mails whose sending must not change the
 * answer (whether an account exists must not show in timing or errors). Failures are logged.
 */
export function sendInBackground(mailer: Mailer, logger: Logger, message: MailMessage, what: string): void {
  mailer.send(message).catch((err: unknown) => logger.error({ err: String(err), what }, "mail not sent"));
}

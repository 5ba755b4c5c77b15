// The mailer: over real SMTP (a local server parsing what it receives) when SMTP_URL is set,
// on the console otherwise.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailer } from "@frontdesk/core/mail/mailer";
import { inviteMail } from "@frontdesk/core/mail/messages";
import { startSmtpStandIn, linkIn, type SmtpStandIn } from "../stand-ins/smtp.ts";
import { testConfig } from "../support/services.ts";

let smtp: SmtpStandIn;
beforeAll(async () => {
  smtp = await startSmtpStandIn();
});
afterAll(async () => {
  await smtp.close();
});

const invite = () =>
  inviteMail({ to: "Ana@Example.test", businessName: "Rosa's Bakery", inviterName: "Rosa Diaz", role: "admin", token: "tok_abc-123", dashboardUrl: "https://app.frontdesk.test", expiresAt: new Date("2030-01-08T12:00:00Z") });

describe("mailer", () => {
  it("sends over SMTP with the configured sender, authenticating with the URL's credentials", async () => {
    const config = testConfig({ SMTP_URL: smtp.url, MAIL_FROM: "Frontdesk <hello@frontdesk.test>" });
    const mailer = createMailer(config.mail);
    expect(mailer.transport).toBe("smtp");
    await mailer.send(invite());
    mailer.close();
    const mail = await smtp.waitFor("ana@example.test");
    expect(mail.user).toBe("frontdesk");
    expect(mail.parsed.from?.value[0]).toMatchObject({ address: "hello@frontdesk.test", name: "Frontdesk" });
    expect(mail.parsed.subject).toBe("Rosa Diaz invited you to Rosa's Bakery on frontdesk");
    expect(mail.parsed.text).toContain("as an admin");
    expect(linkIn(mail, "/invite").token).toBe("tok_abc-123");
    expect(linkIn(mail, "/invite").url.origin).toBe("https://app.frontdesk.test");
  });

  it("wrong SMTP credentials make send fail rather than silently drop the mail", async () => {
    const bad = new URL(smtp.url);
    bad.password = "wrong";
    const mailer = createMailer({ smtpUrl: bad.toString(), from: "x@frontdesk.test" });
    await expect(mailer.send(invite())).rejects.toThrow();
    mailer.close();
  });

  it("without SMTP_URL, prints the whole mail (link included) to the console", async () => {
    const config = testConfig({ SMTP_URL: undefined });
    expect(config.mail).toEqual({ smtpUrl: undefined, from: "frontdesk <no-reply@localhost>" });
    let out = "";
    const mailer = createMailer(config.mail, { write: (t) => void (out += t) });
    expect(mailer.transport).toBe("console");
    await mailer.send(invite());
    expect(out).toContain("To: Ana@Example.test");
    expect(out).toContain("Subject: Rosa Diaz invited you to Rosa's Bakery on frontdesk");
    expect(out).toContain("https://app.frontdesk.test/invite?token=tok_abc-123");
  });

  it("refuses an SMTP_URL that is not smtp: or smtps:", () => {
    expect(() => testConfig({ SMTP_URL: "http://mail.example" })).toThrow(/SMTP_URL must be a URL starting with smtp:\/\/ or smtps:\/\//);
  });
});

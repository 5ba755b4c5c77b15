// Email addresses as accounts and invitations store them: trimmed and lower-cased.
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

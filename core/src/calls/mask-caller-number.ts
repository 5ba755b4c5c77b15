// A caller's number as a widget may show it: the last four digits, the rest hidden.
export function maskCallerNumber(number: string): string {
  const digits = number.replace(/\D/g, "");
  if (digits.length <= 4) return "•••";
  return `${number.startsWith("+") ? "+" : ""}${"•".repeat(Math.min(digits.length - 4, 8))}${digits.slice(-4)}`;
}

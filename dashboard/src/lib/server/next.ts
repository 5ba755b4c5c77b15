// Where to go after logging in: a path on this dashboard, never another site. Checked the way a
// browser reads a Location: it drops tabs and newlines and reads "\" as "/", so "/\t/evil.example"
// or "/\\evil.example" would leave the site; a newline would also make the redirect throw.
const HERE = "http://dashboard.invalid";

export function safeNext(value: string | null | undefined): string {
  if (!value || !value.startsWith("/")) return "/";
  let url: URL;
  try {
    url = new URL(value, HERE);
  } catch {
    return "/";
  }
  if (url.origin !== HERE) return "/";
  // "/./..//evil.example" normalises to "//evil.example": another site once it is a Location.
  const path = url.pathname + url.search + url.hash;
  return path.startsWith("//") ? "/" : path;
}

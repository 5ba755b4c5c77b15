// The signed-in navigation: every entry is a page that exists.
export const NAV: { href: string; label: string }[] = [
  { href: "/", label: "Overview" },
  { href: "/account", label: "Account" },
];

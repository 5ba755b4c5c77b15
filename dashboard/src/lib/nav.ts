// The signed-in navigation: every entry is a page that exists.
export const NAV: { href: string; label: string }[] = [
  { href: "/", label: "Overview" },
  { href: "/onboarding", label: "Get started" },
  { href: "/calls", label: "Calls" },
  { href: "/messages", label: "Messages" },
  { href: "/knowledge", label: "Knowledge" },
  { href: "/agent", label: "Agent" },
  { href: "/developers", label: "Developers" },
  { href: "/widgets", label: "Widgets" },
  { href: "/team", label: "Team" },
  { href: "/settings", label: "Settings" },
  { href: "/billing", label: "Billing" },
  { href: "/account", label: "Account" },
];

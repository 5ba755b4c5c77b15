// light | dark | auto (the visitor's system setting, followed live).
export function darkWanted(theme: string | undefined | null, onChange: (dark: boolean) => void): { dark: boolean; stop: () => void } {
  if (theme === "dark" || theme === "light") return { dark: theme === "dark", stop: () => {} };
  const mq = typeof matchMedia === "function" ? matchMedia("(prefers-color-scheme: dark)") : null;
  if (!mq) return { dark: false, stop: () => {} };
  const listener = () => onChange(mq.matches);
  mq.addEventListener("change", listener);
  return { dark: mq.matches, stop: () => mq.removeEventListener("change", listener) };
}

// `npm run floor -w widgets`: what Svelte itself weighs in a widget script, built exactly like
// the real ones (bundle.ts) from throwaway components. The README's "Size" table comes from
// here; run it again after a Svelte upgrade to see whether the 15 KB goal moved in reach.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleWidget } from "./bundle.ts";
import { WIDGETS_DIR, gzippedBytes } from "./sources.ts";

const ELEMENT = join(WIDGETS_DIR, "src/shared/element.svelte.ts");
const ownElement = (component: string) =>
  `import C from "./${component}"; import { defineWidget } from ${JSON.stringify(ELEMENT)}; defineWidget("x-probe", C, "", { key: "key" });`;

/** name → [what it is, files (the entry is entry.ts), built like the widgets (mount-only, own element)?] */
const PROBES: Record<string, [string, Record<string, string>, boolean]> = {
  "empty-ce": [
    "an empty Svelte 5 custom element (Svelte's own customElement build)",
    { "Empty.svelte": `<svelte:options customElement={{ tag: "x-probe", shadow: "open" }} />`, "entry.ts": `import "./Empty.svelte";` },
    false,
  ],
  "counter-ce": [
    "the same with one $state counter button",
    {
      "Counter.svelte": `<svelte:options customElement={{ tag: "x-probe", shadow: "open" }} />
<script>let n = $state(0);</script><button onclick={() => n++}>{n}</button>`,
      "entry.ts": `import "./Counter.svelte";`,
    },
    false,
  ],
  static: [
    "a static <p> in our own element, mount-only runtime (how the widgets are built)",
    { "Static.svelte": `<p>hello</p>`, "entry.ts": ownElement("Static.svelte") },
    true,
  ],
  features: [
    "what the widgets use of the runtime ($state, $derived, $effect, keyed each, if, events, attributes, attach), same build",
    {
      "Features.svelte": `<script>
  let { key } = $props();
  let items = $state.raw([]);
  let open = $state({});
  let q = $state("");
  const shown = $derived(items.filter((i) => i.includes(q)));
  $effect(() => { void key; fetch("/x").then(() => (items = ["a", "b"])); });
</script>
<section aria-label={key}>
  <input value={q} oninput={(e) => (q = e.currentTarget.value)} />
  {#if shown.length}
    <ul>{#each shown as i (i)}<li><button aria-expanded={!!open[i]} onclick={() => (open[i] = !open[i])} {@attach (b) => b.replaceChildren(i)}>x</button></li>{/each}</ul>
  {:else}<p>none</p>{/if}
</section>`,
      "entry.ts": ownElement("Features.svelte"),
    },
    true,
  ],
};

const dir = join(WIDGETS_DIR, `.floor-${process.pid}`);
try {
  for (const [name, [what, files, mountOnly]] of Object.entries(PROBES)) {
    const src = join(dir, name);
    mkdirSync(src, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(src, file), text);
    const out = await bundleWidget({ root: src, entry: join(src, "entry.ts"), outDir: join(src, "dist"), name, mountOnly, customElement: !mountOnly });
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    console.log(`${name.padEnd(10)} ${kb(readFileSync(out).length).padStart(8)}  gzip ${kb(gzippedBytes(out)).padStart(7)}  ${what}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Defines a widget's custom element around its compiled Svelte component. Svelte's own
// `customElement` wrapper (plus the legacy class-component layer it stands on) was ~2 KB
// gzipped of each script; a widget needs only this: an open shadow root holding its CSS,
// attributes (and a few properties) passed on as reactive props, and teardown when the
// element leaves the page for good.
import { mount, unmount, type Component } from "svelte";

/**
 * @param attributes observed attribute → prop name; values arrive as strings (or undefined)
 * @param properties props a page may also set as element properties (e.g. a callback)
 */
export function defineWidget(tag: string, component: Component<any>, css: string, attributes: Record<string, string>, properties: string[] = []): void {
  if (customElements.get(tag)) return;
  class Widget extends HTMLElement {
    static observedAttributes = Object.keys(attributes);
    props = $state<Record<string, unknown>>({});
    app?: object;

    constructor() {
      super();
      // A property the page set before the script arrived (an "upgrade") shadows the setter.
      for (const p of properties) {
        if (Object.hasOwn(this, p)) {
          const v = (this as any)[p];
          delete (this as any)[p];
          this.props[p] = v;
        }
      }
    }
    attributeChangedCallback(name: string, _old: string | null, value: string | null) {
      this.props[attributes[name]!] = value ?? undefined;
    }
    connectedCallback() {
      if (this.app) return;
      let root = this.shadowRoot;
      if (!root) {
        root = this.attachShadow({ mode: "open" });
        root.append(Object.assign(document.createElement("style"), { textContent: css }));
      }
      this.app = mount(component, { target: root, props: this.props });
    }
    disconnectedCallback() {
      // Moving the element around the page disconnects and reconnects it at once: keep it.
      queueMicrotask(() => {
        if (!this.isConnected && this.app) {
          void unmount(this.app);
          this.app = undefined;
        }
      });
    }
  }
  for (const p of properties) {
    Object.defineProperty(Widget.prototype, p, {
      get(this: Widget) { return this.props[p]; },
      set(this: Widget, v: unknown) { this.props[p] = v; },
    });
  }
  customElements.define(tag, Widget);
}

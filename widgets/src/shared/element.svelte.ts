// Defines a widget's custom element around its compiled Svelte component. Svelte's own
// `customElement` wrapper (plus the legacy class-component layer it stands on) was ~2 KB
// gzipped of each script; a widget needs only this: an open shadow root holding its CSS,
// attributes passed on as reactive props (each also an element property that sets its
// attribute), a few property-only props (e.g. a callback), and teardown when the element
// leaves the page for good.
import { mount, unmount, type Component } from "svelte";

/**
 * @param attributes observed attribute → prop name; values arrive as strings (or undefined)
 * @param properties props a page sets only as element properties (e.g. a callback)
 */
export function defineWidget(tag: string, component: Component<any>, css: string, attributes: Record<string, string>, properties: string[] = []): void {
  if (customElements.get(tag)) return;
  class Widget extends HTMLElement {
    static observedAttributes = Object.keys(attributes);
    props = $state<Record<string, unknown>>({});
    app?: object;

    attributeChangedCallback(name: string, _old: string | null, value: string | null) {
      this.props[attributes[name]!] = value ?? undefined;
    }
    async connectedCallback() {
      // A page that builds the element in script sets its attributes right after adding it:
      // wait for them, so the widget does not first show "bad key" for a missing key.
      await Promise.resolve();
      if (!this.isConnected) return;
      // A property the page set before the script arrived (an "upgrade") hides our accessor.
      for (const p of [...Object.values(attributes), ...properties]) {
        if (Object.hasOwn(this, p)) {
          const v = (this as any)[p];
          delete (this as any)[p];
          (this as any)[p] = v;
        }
      }
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
  const accessors: PropertyDescriptorMap = {};
  for (const [attr, p] of Object.entries(attributes)) {
    accessors[p] = {
      get(this: Widget) { return this.getAttribute(attr) ?? undefined; },
      set(this: Widget, v: unknown) { if (v == null) this.removeAttribute(attr); else this.setAttribute(attr, String(v)); },
    };
  }
  for (const p of properties) {
    accessors[p] = {
      get(this: Widget) { return this.props[p]; },
      set(this: Widget, v: unknown) { this.props[p] = v; },
    };
  }
  Object.defineProperties(Widget.prototype, accessors);
  customElements.define(tag, Widget);
}

import { DOCKHAND_ELEMENTS_VERSION } from './version.ts';

const warned = new Set<string>();

/**
 * Defines a custom element unless the page already has one under that tag (Dockhand loaded twice,
 * or by two bundles): never throws, and warns once when the other copy is another version.
 */
export function defineElement(tag: string, element: CustomElementConstructor): void {
  const existing = customElements.get(tag) as (CustomElementConstructor & { dockhandVersion?: string }) | undefined;
  if (!existing) {
    Object.defineProperty(element, 'dockhandVersion', { value: DOCKHAND_ELEMENTS_VERSION });
    customElements.define(tag, element);
    return;
  }
  if (existing.dockhandVersion !== DOCKHAND_ELEMENTS_VERSION && !warned.has(tag)) {
    warned.add(tag);
    console.warn(
      `<${tag}> is already defined by ${existing.dockhandVersion ? `Dockhand ${existing.dockhandVersion}` : 'another script'}; keeping it.`,
    );
  }
}

/** Fires a typed `dh-*` event that crosses shadow roots. */
export function emit<T>(target: EventTarget, type: string, detail: T): boolean {
  return target.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true, cancelable: true }));
}

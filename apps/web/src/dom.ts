/** The element with this id, typed; a missing one is a bug in index.html, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

/** A new element with text (never HTML: report values are untrusted) and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string | null,
  attributes: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (text !== undefined && text !== null) element.textContent = text;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

/** Replaces a select's options: a first "any" option, then the values. */
export function fillSelect(select: HTMLSelectElement, values: readonly string[], anyLabel: string | null): void {
  select.replaceChildren();
  if (anyLabel !== null) select.append(el('option', anyLabel, { value: '' }));
  for (const value of values) select.append(el('option', value, { value }));
}

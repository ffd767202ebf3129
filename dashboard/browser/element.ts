/** An attribute's value: false, null and undefined leave the attribute out, true sets it empty. */
export type AttributeValue = string | number | boolean | null | undefined;

/** What h() sets on an element: keys starting with "on" are event listeners (`onclick`), the others attributes. */
export type Attributes = Readonly<Record<string, AttributeValue | ((event: Event) => void)>>;

/** A child of h(): a node as it is, anything else as text; false, null and undefined are left out. */
export type Child = Node | string | number | boolean | null | undefined;

/**
 * An element with attributes and children. Text from the server (study and parameter names,
 * values, reasons...) goes into text nodes and attribute values, never into markup, so none of
 * it needs escaping and none of it can become HTML.
 */
export function h<Tag extends keyof HTMLElementTagNameMap>(
  tag: Tag,
  attrs: Attributes,
  ...children: (Child | readonly Child[])[]
): HTMLElementTagNameMap[Tag] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) {
      if (typeof value === 'function') element.addEventListener(key.slice(2), value);
    } else if (typeof value !== 'function') {
      element.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

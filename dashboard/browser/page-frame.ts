/** The elements of the page shell (dashboard/page-shell.ts) that the page script fills. */

/** Where a page draws itself. */
export const app = shellElement('app');

/** The header's "live" mark: whether the last poll reached the server. */
export const live = shellElement('live');

function shellElement(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page shell has no #${id}`);
  return element;
}

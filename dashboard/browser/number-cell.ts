import { h, type Attributes } from './element.js';
import { formatNumber, type ShownValue } from './format-values.js';

/** A number in a table cell: shown rounded, exact in data-value and the tooltip. */
export function numberCell(value: ShownValue, attrs: Attributes = {}): HTMLTableCellElement {
  return h(
    'td',
    { class: 'num', 'data-value': value === null || value === undefined ? '' : value, title: value ?? '', ...attrs },
    formatNumber(value),
  );
}

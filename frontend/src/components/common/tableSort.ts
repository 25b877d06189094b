/** Client-side ordering of a Table's rows by one column. */

export type SortDirection = 'asc' | 'desc';
export type SortValue = string | number | null | undefined;

function isEmpty(value: SortValue): value is null | undefined | '' {
  return value === null || value === undefined || value === '';
}

/** Ascending order of two values, empty ones after the others. */
function compareValues(a: SortValue, b: SortValue): number {
  if (isEmpty(a) || isEmpty(b)) return Number(isEmpty(a)) - Number(isEmpty(b));
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** The rows in the chosen order (stable; empty values last in both directions). */
export function sortRows<Row>(
  rows: readonly Row[],
  valueOf: (row: Row) => SortValue,
  direction: SortDirection,
): Row[] {
  const sign = direction === 'asc' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, value: valueOf(row) }))
    .sort((a, b) => {
      const bothPresent = !isEmpty(a.value) && !isEmpty(b.value);
      const order = (bothPresent ? sign : 1) * compareValues(a.value, b.value);
      return order === 0 ? a.index - b.index : order;
    })
    .map(({ row }) => row);
}

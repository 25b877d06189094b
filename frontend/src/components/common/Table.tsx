import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';
import { useState, type ComponentPropsWithoutRef, type ReactNode } from 'react';

import { cn } from '@/utils/cn';

import { sortRows, type SortDirection, type SortValue } from './tableSort';

/**
 * The one table of the app: a real <table> with <th scope="col"> headers, built from column
 * descriptions (header, cell renderer, alignment, optional sort), with an optional checkbox
 * selection column and an empty state.
 */

export type Align = 'left' | 'right';

export interface Column<Row> {
  /** Stable id of the column (React key and sort key). */
  key: string;
  header: ReactNode;
  /** Keeps the header for screen readers only (action columns). */
  hideHeader?: boolean;
  cell: (row: Row, index: number) => ReactNode;
  align?: Align;
  /** This column names its row: its cells are <th scope="row">. */
  rowHeader?: boolean;
  headerClassName?: string;
  /** Classes of the body cells, fixed or per row. */
  className?: string | ((row: Row) => string | false | null | undefined);
  /** Tooltip of a body cell. */
  title?: (row: Row) => string | undefined;
  /** Makes the header a sort button ordering the rows by this value (empty values last). */
  sortValue?: (row: Row) => SortValue;
}

export interface TableSelection<Row> {
  /** Keys (as `rowKey` gives them) of the selected rows. */
  selected: ReadonlySet<string>;
  onToggle: (key: string, row: Row) => void;
  /** Accessible name of a row's checkbox, e.g. "Select run-3". */
  label: (row: Row) => string;
  isDisabled?: (row: Row) => boolean;
  /** Name of the header: a select-all checkbox when `onToggleAll` is given, else hidden text. */
  headerLabel: string;
  onToggleAll?: (select: boolean) => void;
}

/** Attributes of a body row (test ids, data attributes, hover handlers...). */
export type RowAttributes = ComponentPropsWithoutRef<'tr'> &
  Record<`data-${string}`, string | undefined>;

/**
 * framed: a card of its own (list pages); banded: a shaded header band inside a card;
 * plain: uppercase headers, flush with the card's padding; compact: small dense tables;
 * bare: no styling at all (screen-reader-only tables).
 */
export type TableVariant = 'framed' | 'banded' | 'plain' | 'compact' | 'bare';

interface VariantClasses {
  wrapper: string;
  table: string;
  head: string;
  th: string;
  body: string;
  td: string;
  row: string;
}

const VARIANTS: Record<TableVariant, VariantClasses> = {
  framed: {
    wrapper: 'overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm',
    table: 'min-w-full divide-y divide-slate-200 text-sm',
    head: 'bg-slate-50/80',
    th: 'px-2.5 py-2.5 text-xs font-medium tracking-wide text-slate-500 uppercase first:pl-5 last:pr-5',
    body: 'divide-y divide-slate-100',
    td: 'px-2.5 py-3 align-top first:pl-5 last:pr-5',
    row: 'hover:bg-slate-50/60',
  },
  banded: {
    wrapper: 'overflow-x-auto',
    table: 'w-full text-sm',
    head: 'border-b border-slate-200 bg-slate-50 text-xs text-slate-500',
    th: 'px-2.5 py-2.5 font-medium whitespace-nowrap first:pl-3 last:pr-3',
    body: 'divide-y divide-slate-100',
    td: 'px-2.5 py-2.5 first:pl-3 last:pr-3',
    row: 'hover:bg-slate-50',
  },
  plain: {
    wrapper: 'overflow-x-auto',
    table: 'w-full divide-y divide-slate-200 text-sm',
    head: '',
    th: 'px-3 py-2 text-xs font-medium tracking-wide text-slate-500 uppercase first:pl-0 last:pr-0',
    body: 'divide-y divide-slate-100',
    td: 'px-3 py-2.5 align-top first:pl-0 last:pr-0',
    row: '',
  },
  compact: {
    wrapper: 'overflow-x-auto',
    table: 'w-full text-sm',
    head: 'border-b border-slate-200 text-xs text-slate-500',
    th: 'px-2 py-2 font-medium first:pl-0 last:pr-0',
    body: 'divide-y divide-slate-100',
    td: 'px-2 py-2 first:pl-0 last:pr-0',
    row: '',
  },
  bare: { wrapper: '', table: '', head: '', th: '', body: '', td: '', row: '' },
};

const ALIGN: Record<Align, string> = { left: 'text-left', right: 'text-right' };

export interface TableProps<Row> {
  /** Accessible name of the table. */
  label?: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
  variant?: TableVariant;
  selection?: TableSelection<Row>;
  rowProps?: (row: Row) => RowAttributes;
  /** Initial order; without it the rows keep the order they came in until a header is clicked. */
  defaultSort?: { key: string; direction: SortDirection };
  /** Classes of the scrolling wrapper (e.g. `sr-only`, negative margins). */
  className?: string;
  testId?: string;
}

function SortHeader({
  header,
  direction,
  onSort,
}: {
  header: ReactNode;
  direction: SortDirection | null;
  onSort: () => void;
}) {
  const Icon = direction === 'asc' ? ArrowUp : direction === 'desc' ? ArrowDown : ArrowUpDown;
  return (
    <button
      type="button"
      onClick={onSort}
      className="inline-flex items-center gap-1 [text-transform:inherit] hover:text-slate-800"
    >
      {header}
      <Icon className={cn('size-3', direction === null && 'opacity-40')} aria-hidden="true" />
    </button>
  );
}

function SelectionHeader<Row>({
  selection,
  rows,
  rowKey,
}: {
  selection: TableSelection<Row>;
  rows: readonly Row[];
  rowKey: (row: Row) => string;
}) {
  const { onToggleAll } = selection;
  if (onToggleAll === undefined) return <span className="sr-only">{selection.headerLabel}</span>;
  const allSelected = rows.length > 0 && rows.every((row) => selection.selected.has(rowKey(row)));
  return (
    <input
      type="checkbox"
      aria-label={selection.headerLabel}
      checked={allSelected}
      onChange={(event) => {
        onToggleAll(event.target.checked);
      }}
      className="size-4 accent-sky-600"
    />
  );
}

export function Table<Row>({
  label,
  columns,
  rows,
  rowKey,
  empty,
  variant = 'plain',
  selection,
  rowProps,
  defaultSort,
  className,
  testId,
}: TableProps<Row>) {
  const [sort, setSort] = useState(defaultSort ?? null);
  if (rows.length === 0 && empty !== undefined) return <>{empty}</>;
  const styles = VARIANTS[variant];
  const sortColumn = columns.find((column) => column.key === sort?.key);
  const ordered =
    sort !== null && sortColumn?.sortValue !== undefined
      ? sortRows(rows, sortColumn.sortValue, sort.direction)
      : rows;

  const toggleSort = (key: string) => {
    setSort((current) =>
      current?.key === key && current.direction === 'asc'
        ? { key, direction: 'desc' }
        : { key, direction: 'asc' },
    );
  };

  return (
    <div className={cn(styles.wrapper, className)}>
      <table className={cn(styles.table, 'text-left')} aria-label={label} data-testid={testId}>
        <thead className={styles.head}>
          <tr>
            {selection !== undefined && (
              <th scope="col" className={cn(styles.th, 'w-10')}>
                <SelectionHeader selection={selection} rows={rows} rowKey={rowKey} />
              </th>
            )}
            {columns.map((column) => {
              const direction = sort?.key === column.key ? sort.direction : null;
              return (
                <th
                  key={column.key}
                  scope="col"
                  className={cn(styles.th, ALIGN[column.align ?? 'left'], column.headerClassName)}
                  aria-sort={
                    column.sortValue === undefined
                      ? undefined
                      : direction === null
                        ? 'none'
                        : direction === 'asc'
                          ? 'ascending'
                          : 'descending'
                  }
                >
                  {column.hideHeader === true ? (
                    <span className="sr-only">{column.header}</span>
                  ) : column.sortValue !== undefined ? (
                    <SortHeader
                      header={column.header}
                      direction={direction}
                      onSort={() => {
                        toggleSort(column.key);
                      }}
                    />
                  ) : (
                    column.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className={styles.body}>
          {ordered.map((row, index) => {
            const key = rowKey(row);
            const selected = selection?.selected.has(key) ?? false;
            const attributes = rowProps?.(row) ?? {};
            return (
              <tr
                key={key}
                {...attributes}
                className={cn(selected ? 'bg-sky-50/50' : styles.row, attributes.className)}
              >
                {selection !== undefined && (
                  <td className={styles.td}>
                    <input
                      type="checkbox"
                      aria-label={selection.label(row)}
                      checked={selected}
                      disabled={selection.isDisabled?.(row) ?? false}
                      onChange={() => {
                        selection.onToggle(key, row);
                      }}
                      className="size-4 accent-sky-600"
                    />
                  </td>
                )}
                {columns.map((column) => {
                  const Cell = column.rowHeader === true ? 'th' : 'td';
                  const extra =
                    typeof column.className === 'function'
                      ? column.className(row)
                      : column.className;
                  return (
                    <Cell
                      key={column.key}
                      {...(column.rowHeader === true ? { scope: 'row' } : {})}
                      className={cn(
                        styles.td,
                        ALIGN[column.align ?? 'left'],
                        column.rowHeader === true && 'font-normal',
                        extra,
                      )}
                      title={column.title?.(row)}
                    >
                      {column.cell(row, index)}
                    </Cell>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { Table, type Column } from './Table';
import { sortRows } from './tableSort';

interface Run {
  id: string;
  name: string;
  score: number | null;
}

const RUNS: Run[] = [
  { id: 'a', name: 'run-10', score: 0.4 },
  { id: 'b', name: 'run-2', score: null },
  { id: 'c', name: 'run-1', score: 0.9 },
];

const COLUMNS: Column<Run>[] = [
  {
    key: 'name',
    header: 'Name',
    rowHeader: true,
    cell: (run) => run.name,
    sortValue: (run) => run.name,
  },
  {
    key: 'score',
    header: 'Score',
    align: 'right',
    cell: (run) => (run.score === null ? '—' : run.score.toFixed(2)),
    sortValue: (run) => run.score,
  },
  {
    key: 'actions',
    header: 'Actions',
    hideHeader: true,
    cell: (run) => <button>Delete {run.name}</button>,
  },
];

function bodyNames(): string[] {
  const rows = within(screen.getByRole('table', { name: 'Runs' }))
    .getAllByRole('row')
    .slice(1);
  return rows.map((row) => within(row).getByRole('rowheader').textContent);
}

describe('Table', () => {
  it('renders a real table with column headers, row headers and aligned cells', () => {
    render(<Table label="Runs" columns={COLUMNS} rows={RUNS} rowKey={(run) => run.id} />);
    const headers = screen.getAllByRole('columnheader');
    expect(headers.map((header) => header.textContent)).toEqual(['Name', 'Score', 'Actions']);
    for (const header of headers) expect(header).toHaveAttribute('scope', 'col');
    expect(within(headers[2]!).getByText('Actions')).toHaveClass('sr-only');
    expect(screen.getByRole('rowheader', { name: 'run-10' })).toHaveAttribute('scope', 'row');
    expect(screen.getByRole('cell', { name: '0.90' })).toHaveClass('text-right');
    expect(bodyNames()).toEqual(['run-10', 'run-2', 'run-1']);
  });

  it('shows the empty state instead of a table without rows', () => {
    render(
      <Table
        label="Runs"
        columns={COLUMNS}
        rows={[]}
        rowKey={(run) => run.id}
        empty={<p>No runs yet.</p>}
      />,
    );
    expect(screen.getByText('No runs yet.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('sorts by a sortable column, ascending then descending, empty values last', async () => {
    const user = userEvent.setup();
    render(<Table label="Runs" columns={COLUMNS} rows={RUNS} rowKey={(run) => run.id} />);
    const scoreHeader = screen.getByRole('columnheader', { name: /Score/ });
    expect(scoreHeader).toHaveAttribute('aria-sort', 'none');

    await user.click(within(scoreHeader).getByRole('button'));
    expect(scoreHeader).toHaveAttribute('aria-sort', 'ascending');
    expect(bodyNames()).toEqual(['run-10', 'run-1', 'run-2']);

    await user.click(within(scoreHeader).getByRole('button'));
    expect(scoreHeader).toHaveAttribute('aria-sort', 'descending');
    expect(bodyNames()).toEqual(['run-1', 'run-10', 'run-2']);

    await user.click(screen.getByRole('button', { name: /Name/ }));
    expect(bodyNames()).toEqual(['run-1', 'run-2', 'run-10']);
  });

  it('selects rows with checkboxes and all rows with the header checkbox', async () => {
    const user = userEvent.setup();
    const onToggle = vi.fn();
    const onToggleAll = vi.fn();
    render(
      <Table
        label="Runs"
        columns={COLUMNS}
        rows={RUNS}
        rowKey={(run) => run.id}
        rowProps={(run) => ({ 'data-testid': `row-${run.id}` })}
        selection={{
          selected: new Set(['c']),
          onToggle,
          onToggleAll,
          label: (run) => `Select ${run.name}`,
          isDisabled: (run) => run.score === null,
          headerLabel: 'Select all runs',
        }}
      />,
    );
    expect(screen.getByRole('checkbox', { name: 'Select run-1' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Select run-2' })).toBeDisabled();
    expect(screen.getByTestId('row-c')).toHaveClass('bg-sky-50/50');
    await user.click(screen.getByRole('checkbox', { name: 'Select run-10' }));
    expect(onToggle).toHaveBeenCalledWith('a', RUNS[0]);
    const all = screen.getByRole('checkbox', { name: 'Select all runs' });
    expect(all).not.toBeChecked();
    await user.click(all);
    expect(onToggleAll).toHaveBeenCalledWith(true);
  });
});

describe('sortRows', () => {
  it('keeps equal values in their order and compares names numerically', () => {
    const rows = [
      { n: 'b', v: 1 },
      { n: 'a', v: 1 },
      { n: 'c', v: 0 },
    ];
    expect(sortRows(rows, (row) => row.v, 'asc').map((row) => row.n)).toEqual(['c', 'b', 'a']);
    expect(sortRows(rows, (row) => row.v, 'desc').map((row) => row.n)).toEqual(['b', 'a', 'c']);
    expect(sortRows(['x10', 'x9', ''], (row) => row, 'asc')).toEqual(['x9', 'x10', '']);
  });
});

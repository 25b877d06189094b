import { X } from 'lucide-react';

import {
  MetricCurveChart,
  type CurveRow,
  type CurveSeries,
} from '@/components/charts/LossCurveChart';
import { Card } from '@/components/common/Card';
import { Loader } from '@/components/common/Loader';
import { Table, type Column } from '@/components/common/Table';
import { useComparison } from '@/hooks/useTraining';
import { errorMessage } from '@/services/errors';
import type { CompareResponse } from '@/services/training.service';

import { formatMetric, metricLabel } from './format';
import { StatusBadge } from './StatusBadge';

/** Distinct, colour-blind friendly line colours (Okabe-Ito plus two). */
const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#D55E00',
  '#56B4E9',
  '#000000',
  '#F0E442',
  '#7c3aed',
  '#64748b',
];

const COMPARED_METRICS = ['train_loss', 'val_loss', 'mask_map50', 'mask_map50_95'];

function seriesOf(comparison: CompareResponse): CurveSeries[] {
  return comparison.sessions.map((entry, index) => ({
    key: `s${index}`,
    label: entry.session.name,
    color: PALETTE[index % PALETTE.length] ?? '#0072B2',
  }));
}

/** Rows by epoch with one column per session (`s0`, `s1`, ...) for one metric. */
function rowsOf(comparison: CompareResponse, metric: string): CurveRow[] {
  const byEpoch = new Map<number, CurveRow>();
  comparison.sessions.forEach((entry, index) => {
    for (const point of entry.epochs) {
      const row = byEpoch.get(point.epoch) ?? { epoch: point.epoch };
      row[`s${index}`] = point.metrics[metric] ?? null;
      byEpoch.set(point.epoch, row);
    }
  });
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

type ComparedRun = CompareResponse['sessions'][number];

function summaryColumns(comparison: CompareResponse): Column<ComparedRun>[] {
  const colorOf = (run: ComparedRun) =>
    PALETTE[comparison.sessions.indexOf(run) % PALETTE.length] ?? PALETTE[0];
  return [
    {
      key: 'run',
      header: 'Run',
      cell: (run) => (
        <span className="inline-flex items-center gap-2">
          <span
            className="h-0.5 w-4 rounded"
            style={{ backgroundColor: colorOf(run) }}
            aria-hidden="true"
          />
          <span className="font-medium text-slate-900">{run.session.name}</span>
        </span>
      ),
    },
    {
      key: 'model',
      header: 'Model',
      className: 'font-mono text-xs whitespace-nowrap',
      cell: ({ session }) => session.model_arch,
    },
    {
      key: 'status',
      header: 'Status',
      cell: ({ session }) => <StatusBadge status={session.status} />,
    },
    {
      key: 'epochs',
      header: 'Epochs',
      className: 'tabular-nums',
      cell: ({ session }) => `${session.current_epoch} / ${session.total_epochs}`,
    },
    {
      key: 'size',
      header: 'Image / batch',
      className: 'tabular-nums',
      cell: ({ session }) => `${session.image_size ?? '—'} px / ${session.batch_size ?? '—'}`,
    },
    {
      key: 'best',
      header: 'Best mask mAP50-95',
      className: 'font-medium tabular-nums',
      cell: ({ session }) => (
        <>
          {formatMetric(session.best_metric)}
          {session.best_epoch !== null && (
            <span className="ml-1 text-xs font-normal text-slate-500">
              (epoch {session.best_epoch})
            </span>
          )}
        </>
      ),
    },
  ];
}

function Summary({ comparison }: { comparison: CompareResponse }) {
  return (
    <Table
      label="Compared runs"
      variant="compact"
      columns={summaryColumns(comparison)}
      rows={comparison.sessions}
      rowKey={(run) => run.session.id}
    />
  );
}

/** Curves of two or more runs side by side (GET /training/compare). */
export function CompareView({
  sessionIds,
  onClose,
}: {
  sessionIds: readonly string[];
  onClose: () => void;
}) {
  const comparison = useComparison(sessionIds);
  return (
    <Card
      title={`Comparing ${sessionIds.length} runs`}
      description="Per-epoch curves of the selected runs"
      data-testid="compare-view"
      actions={
        <button
          type="button"
          onClick={onClose}
          aria-label="Close the comparison"
          className="rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-600"
        >
          <X className="size-4" aria-hidden="true" />
        </button>
      }
    >
      {comparison.isError && (
        <p role="alert" className="text-sm text-red-700">
          Could not compare the runs: {errorMessage(comparison.error)}
        </p>
      )}
      {comparison.isPending && <Loader label="Loading the curves…" />}
      {comparison.data && (
        <div className="space-y-6">
          <Summary comparison={comparison.data} />
          <div className="grid gap-6 lg:grid-cols-2">
            {COMPARED_METRICS.map((metric) => (
              <div key={metric}>
                <h3 className="mb-2 text-sm font-medium text-slate-700">{metricLabel(metric)}</h3>
                <MetricCurveChart
                  label={`${metricLabel(metric)} by run`}
                  testId={`compare-chart-${metric}`}
                  rows={rowsOf(comparison.data, metric)}
                  series={seriesOf(comparison.data)}
                  height={220}
                  {...(metric.includes('map')
                    ? {
                        yDomain: [0, 1] as [number, number],
                        formatValue: (v: number) => v.toFixed(2),
                      }
                    : {})}
                />
              </div>
            ))}
          </div>
        </div>
      )}
    </Card>
  );
}

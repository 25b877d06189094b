import { ProgressBar } from '@/components/common/ProgressBar';
import { Table, type Column } from '@/components/common/Table';
import { isActive, type EvaluationOut } from '@/services/models.service';

import { JobStateBadge } from './Badge';
import { formatDateTime, formatMetric, formatPercent, metricLabel, splitLabel } from './format';

const METRIC_COLUMNS = ['mask_map50', 'mask_map50_95', 'box_map50', 'box_map50_95'] as const;

function DatasetAndSplit({ evaluation }: { evaluation: EvaluationOut }) {
  const imgsz = evaluation.params.imgsz;
  return (
    <>
      <p className="font-medium text-slate-900">{evaluation.dataset_name}</p>
      <p className="text-xs text-slate-500">
        {splitLabel(evaluation.split)}
        {typeof imgsz === 'number' && ` · ${imgsz} px`}
      </p>
      {evaluation.per_class.length > 0 && <PerClass rows={evaluation.per_class} />}
    </>
  );
}

function EvaluationStatus({ evaluation }: { evaluation: EvaluationOut }) {
  return (
    <>
      <JobStateBadge status={evaluation.status} />
      {isActive(evaluation.status) && (
        <div className="mt-1.5 w-28">
          <ProgressBar value={evaluation.progress} max={1} label="Evaluation progress" />
          <p className="mt-0.5 text-xs text-slate-500 tabular-nums">
            {formatPercent(evaluation.progress)}
          </p>
        </div>
      )}
      {evaluation.error !== null && evaluation.error !== undefined && (
        <p className="mt-1 max-w-xs text-xs text-red-700">{evaluation.error}</p>
      )}
    </>
  );
}

const COLUMNS: Column<EvaluationOut>[] = [
  {
    key: 'dataset',
    header: 'Dataset · split',
    cell: (evaluation) => <DatasetAndSplit evaluation={evaluation} />,
  },
  {
    key: 'status',
    header: 'Status',
    cell: (evaluation) => <EvaluationStatus evaluation={evaluation} />,
  },
  ...METRIC_COLUMNS.map((key): Column<EvaluationOut> => ({
    key,
    header: metricLabel(key),
    align: 'right',
    headerClassName: 'normal-case',
    className: 'text-slate-900 tabular-nums',
    cell: (evaluation) => formatMetric(evaluation.metrics[key]),
  })),
  {
    key: 'run',
    header: 'Run',
    className: 'whitespace-nowrap text-slate-600',
    cell: (evaluation) => formatDateTime(evaluation.created_at),
  },
];

export function EvaluationsTable({ evaluations }: { evaluations: readonly EvaluationOut[] }) {
  return (
    <Table
      label="Evaluations"
      columns={COLUMNS}
      rows={evaluations}
      rowKey={(evaluation) => evaluation.id}
      rowProps={() => ({ 'data-testid': 'evaluation-row' })}
      empty={
        <p className="text-sm text-slate-500">
          Not evaluated yet. Evaluate the model on a dataset split to measure its precision, recall
          and mAP there, and to compare it with other models on the same split.
        </p>
      }
    />
  );
}

function cellText(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(3);
  if (typeof value === 'string') return value;
  return '—';
}

type PerClassRow = Readonly<Record<string, unknown>>;

function PerClass({ rows }: { rows: readonly PerClassRow[] }) {
  const figures = [
    ...new Set(rows.flatMap((row) => Object.keys(row)).filter((key) => key !== 'class_name')),
  ];
  const columns: Column<PerClassRow>[] = [
    {
      key: 'class_name',
      header: 'Class',
      rowHeader: true,
      className: 'text-slate-700',
      cell: (row) => cellText(row.class_name),
    },
    ...figures.map((figure): Column<PerClassRow> => ({
      key: figure,
      header: metricLabel(figure),
      align: 'right',
      className: 'text-slate-700 tabular-nums',
      cell: (row) => cellText(row[figure]),
    })),
  ];
  return (
    <details className="mt-1 text-xs">
      <summary className="cursor-pointer text-sky-700 hover:text-sky-600">
        Per class ({rows.length})
      </summary>
      <Table
        label="Per-class figures"
        variant="compact"
        className="mt-1 [&_table]:text-xs"
        columns={columns}
        rows={rows}
        rowKey={(row) => cellText(row.class_name) + String(rows.indexOf(row))}
      />
    </details>
  );
}

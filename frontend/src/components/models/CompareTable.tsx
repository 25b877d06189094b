import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

import { Table, type Column } from '@/components/common/Table';
import { useSeriesLabels } from '@/hooks/useTraining';
import type { ModelSummary } from '@/services/models.service';
import { cn } from '@/utils/cn';

import { architectureLabel, formatBytes, formatMetric, metricLabel, taskLabel } from './format';

/** The highest value of a row (every model holding it is highlighted), else null. */
function bestOf(values: readonly (number | undefined)[]): number | null {
  const present = values.filter((value): value is number => value !== undefined);
  if (present.length < 2) return null;
  const best = Math.max(...present);
  // A row where every model is equal has no winner to point out.
  return present.every((value) => value === best) ? null : best;
}

export interface MetricMatrixProps {
  label: string;
  models: readonly ModelSummary[];
  metricKeys: readonly string[];
  valueOf: (model: ModelSummary, key: string) => number | undefined;
}

/** One column per compared model, headed by its name. */
function modelColumn<Row>(
  model: ModelSummary,
  header: ReactNode,
  cell: (row: Row) => ReactNode,
  className?: (row: Row) => string,
): Column<Row> {
  return {
    key: model.id,
    header,
    align: 'right',
    headerClassName: 'normal-case tracking-normal',
    cell,
    ...(className === undefined ? {} : { className }),
  };
}

function ModelLink({ model }: { model: ModelSummary }) {
  return (
    <Link
      to={`/models/${model.id}`}
      className="font-semibold text-slate-900 hover:text-sky-700 hover:underline"
    >
      {model.name}
    </Link>
  );
}

/** Metrics as rows, models as columns; the best value of each row is emphasised. */
export function MetricMatrix({ label, models, metricKeys, valueOf }: MetricMatrixProps) {
  const bestByKey = new Map(
    metricKeys.map((key) => [key, bestOf(models.map((model) => valueOf(model, key)))]),
  );
  const columns: Column<string>[] = [
    {
      key: 'metric',
      header: 'Metric',
      rowHeader: true,
      headerClassName: 'normal-case tracking-normal',
      className: 'text-slate-600',
      cell: (key) => metricLabel(key),
    },
    ...models.map((model) =>
      modelColumn<string>(
        model,
        <ModelLink model={model} />,
        (key) => formatMetric(valueOf(model, key)),
        (key) => {
          const value = valueOf(model, key);
          const best = value !== undefined && value === bestByKey.get(key);
          return cn('tabular-nums', best ? 'font-semibold text-emerald-700' : 'text-slate-900');
        },
      ),
    ),
  ];
  return <Table label={label} columns={columns} rows={metricKeys} rowKey={(key) => key} />;
}

type Fact = [string, (model: ModelSummary) => string];

function factsWith(labels: Readonly<Record<string, string>>): Fact[] {
  return [
    [
      'Architecture',
      (model) =>
        `${architectureLabel(model, labels)}${model.model_arch ? ` (${model.model_arch})` : ''}`,
    ],
    ['Task', (model) => taskLabel(model.task)],
    ['Classes', (model) => String(model.num_classes)],
    ['Image size', (model) => (model.image_size === null ? '—' : `${model.image_size} px`)],
    ['Dataset', (model) => model.dataset_name ?? '—'],
    ['Weights', (model) => formatBytes(model.size_bytes)],
  ];
}

/** What each compared model is: architecture, task, classes, image size, dataset, size. */
export function ModelFactsTable({ models }: { models: readonly ModelSummary[] }) {
  const facts = factsWith(useSeriesLabels());
  const columns: Column<Fact>[] = [
    {
      key: 'fact',
      header: 'Fact',
      hideHeader: true,
      rowHeader: true,
      className: 'text-slate-600',
      cell: ([label]) => label,
    },
    ...models.map((model) =>
      modelColumn<Fact>(
        model,
        model.name,
        ([, valueOf]) => valueOf(model),
        () => 'text-slate-900',
      ),
    ),
  ];
  return <Table label="Model facts" columns={columns} rows={facts} rowKey={([label]) => label} />;
}

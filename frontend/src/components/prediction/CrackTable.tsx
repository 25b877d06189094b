import type { ReactNode } from 'react';

import { Table, type Column } from '@/components/common/Table';
import type { ImageSummary, PredictedInstance, SeverityName } from '@/services/prediction.service';
import { usePredictionStore } from '@/store/predictionStore';
import { cn } from '@/utils/cn';

import { instanceColor, SEVERITY_CLASSES } from './colors';

function fmt(value: number | null | undefined, digits = 1): string {
  return value == null ? '–' : value.toFixed(digits);
}

export function SeverityBadge({ severity }: { severity: SeverityName | null | undefined }) {
  if (severity == null) return <span className="text-slate-400">–</span>;
  return (
    <span
      className={cn(
        'inline-flex rounded-full px-2 py-0.5 text-xs font-medium capitalize ring-1 ring-inset',
        SEVERITY_CLASSES[severity],
      )}
    >
      {severity}
    </span>
  );
}

function SummaryItem({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm font-semibold text-slate-900 tabular-nums">{value}</dd>
    </div>
  );
}

export function ImageSummaryBar({ summary, hasMm }: { summary: ImageSummary; hasMm: boolean }) {
  return (
    <dl data-testid="image-summary" className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      <SummaryItem label="Cracks" value={summary.count} />
      <SummaryItem
        label="Total length"
        value={hasMm ? `${fmt(summary.total_length_mm)} mm` : `${fmt(summary.total_length_px)} px`}
      />
      <SummaryItem
        label="Max width"
        value={hasMm ? `${fmt(summary.max_width_mm, 2)} mm` : `${fmt(summary.max_width_px)} px`}
      />
      <SummaryItem
        label="Worst severity"
        value={hasMm ? <SeverityBadge severity={summary.worst_severity} /> : 'needs scale'}
      />
    </dl>
  );
}

interface Props {
  instances: readonly PredictedInstance[];
  hasMm: boolean;
}

const NUMBER = 'tabular-nums whitespace-nowrap';

function numberColumn(
  key: string,
  header: string,
  cell: (instance: PredictedInstance) => ReactNode,
): Column<PredictedInstance> {
  return {
    key,
    header,
    align: 'right',
    headerClassName: 'whitespace-nowrap',
    className: NUMBER,
    cell,
  };
}

const PIXEL_COLUMNS: Column<PredictedInstance>[] = [
  {
    key: 'crack',
    header: 'Crack',
    className: 'whitespace-nowrap',
    cell: (instance) => (
      <>
        <span
          className="mr-2 inline-block size-2.5 rounded-full"
          style={{ backgroundColor: instanceColor(instance.id) }}
          aria-hidden="true"
        />
        #{instance.id} {instance.class_name}
      </>
    ),
  },
  numberColumn('score', 'Score', (instance) => instance.score.toFixed(2)),
  numberColumn('length_px', 'Length px', (instance) => fmt(instance.measurements?.length_px)),
  numberColumn('width_px', 'Width max / mean / p95 px', ({ measurements: m }) =>
    [fmt(m?.width_max_px), fmt(m?.width_mean_px), fmt(m?.width_p95_px)].join(' / '),
  ),
  numberColumn(
    'area_px',
    'Area px',
    (instance) => instance.measurements?.area_px ?? instance.area_px,
  ),
];

const MM_COLUMNS: Column<PredictedInstance>[] = [
  numberColumn('length_mm', 'Length mm', (instance) => fmt(instance.measurements?.length_mm)),
  numberColumn('width_mm', 'Width max / p95 mm', ({ measurements: m }) =>
    [fmt(m?.width_max_mm, 2), fmt(m?.width_p95_mm, 2)].join(' / '),
  ),
  numberColumn('area_mm', 'Area mm²', (instance) => fmt(instance.measurements?.area_mm2)),
  {
    key: 'severity',
    header: 'Severity',
    cell: (instance) => <SeverityBadge severity={instance.measurements?.severity} />,
  },
];

/** One row per visible crack with its measurements; hovering a row highlights the crack. */
export function CrackTable({ instances, hasMm }: Props) {
  const highlightedId = usePredictionStore((state) => state.highlightedId);
  const setHighlighted = usePredictionStore((state) => state.setHighlighted);
  return (
    <Table
      testId="crack-table"
      variant="compact"
      label="Detected cracks"
      columns={hasMm ? [...PIXEL_COLUMNS, ...MM_COLUMNS] : PIXEL_COLUMNS}
      rows={instances}
      rowKey={(instance) => String(instance.id)}
      rowProps={(instance) => ({
        'data-testid': 'crack-row',
        className: cn(highlightedId === instance.id && 'bg-sky-50'),
        onMouseEnter: () => {
          setHighlighted(instance.id);
        },
        onMouseLeave: () => {
          setHighlighted(null);
        },
      })}
      empty={
        <p data-testid="crack-table-empty" className="py-6 text-center text-sm text-slate-500">
          No cracks at these thresholds. Lower the confidence to see weaker detections.
        </p>
      }
    />
  );
}

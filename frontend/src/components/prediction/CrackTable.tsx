import type { ReactNode } from 'react';

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

const TH = 'px-2 py-2 text-right font-medium whitespace-nowrap';
const TD = 'px-2 py-1.5 text-right tabular-nums whitespace-nowrap';

/** One row per visible crack with its measurements; hovering a row highlights the crack. */
export function CrackTable({ instances, hasMm }: Props) {
  const highlightedId = usePredictionStore((state) => state.highlightedId);
  const setHighlighted = usePredictionStore((state) => state.setHighlighted);
  if (instances.length === 0) {
    return (
      <p data-testid="crack-table-empty" className="py-6 text-center text-sm text-slate-500">
        No cracks at these thresholds. Lower the confidence to see weaker detections.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto">
      <table data-testid="crack-table" className="w-full text-sm">
        <thead className="border-b border-slate-200 text-xs text-slate-500">
          <tr>
            <th className="px-2 py-2 text-left font-medium">Crack</th>
            <th className={TH}>Score</th>
            <th className={TH}>Length px</th>
            <th className={TH}>Width max / mean / p95 px</th>
            <th className={TH}>Area px</th>
            {hasMm && (
              <>
                <th className={TH}>Length mm</th>
                <th className={TH}>Width max / p95 mm</th>
                <th className={TH}>Area mm²</th>
                <th className="px-2 py-2 text-left font-medium">Severity</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {instances.map((instance) => {
            const m = instance.measurements;
            return (
              <tr
                key={instance.id}
                data-testid="crack-row"
                className={cn(
                  'border-b border-slate-100 last:border-0',
                  highlightedId === instance.id && 'bg-sky-50',
                )}
                onMouseEnter={() => {
                  setHighlighted(instance.id);
                }}
                onMouseLeave={() => {
                  setHighlighted(null);
                }}
              >
                <td className="px-2 py-1.5 whitespace-nowrap">
                  <span
                    className="mr-2 inline-block size-2.5 rounded-full"
                    style={{ backgroundColor: instanceColor(instance.id) }}
                    aria-hidden="true"
                  />
                  #{instance.id} {instance.class_name}
                </td>
                <td className={TD}>{instance.score.toFixed(2)}</td>
                <td className={TD}>{fmt(m?.length_px)}</td>
                <td className={TD}>
                  {fmt(m?.width_max_px)} / {fmt(m?.width_mean_px)} / {fmt(m?.width_p95_px)}
                </td>
                <td className={TD}>{m?.area_px ?? instance.area_px}</td>
                {hasMm && (
                  <>
                    <td className={TD}>{fmt(m?.length_mm)}</td>
                    <td className={TD}>
                      {fmt(m?.width_max_mm, 2)} / {fmt(m?.width_p95_mm, 2)}
                    </td>
                    <td className={TD}>{fmt(m?.area_mm2)}</td>
                    <td className="px-2 py-1.5">
                      <SeverityBadge severity={m?.severity} />
                    </td>
                  </>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

import type { ReactNode } from 'react';

import { Card } from '@/components/common/Card';
import { Loader } from '@/components/common/Loader';
import { useDatasetStats } from '@/hooks/useDatasets';
import { errorMessage } from '@/services/errors';

import { Callout } from '@/components/common/Callout';
import { ClassHistogram } from './ClassHistogram';
import { SplitStatsTable } from './SplitStatsTable';

export interface DatasetStatsSectionProps {
  datasetId: string;
  classNames: readonly string[];
  /** Shown beside the histogram (the validation report). */
  aside?: ReactNode;
}

/** Split statistics table and the class/instance histogram, from the stats endpoint. */
export function DatasetStatsSection({ datasetId, classNames, aside }: DatasetStatsSectionProps) {
  const stats = useDatasetStats(datasetId, true);
  return (
    <>
      <Card
        title="Split statistics"
        description="Images per split: labelled, background (no crack) and without a label file."
      >
        {stats.isPending && <Loader label="Loading statistics…" />}
        {stats.isError && (
          <Callout tone="error" title="Could not load the statistics">
            {errorMessage(stats.error)}
          </Callout>
        )}
        {stats.data !== undefined &&
          (stats.data.splits.length === 0 ? (
            <p className="text-sm text-slate-500">No statistics yet: validate the dataset.</p>
          ) : (
            <SplitStatsTable splits={stats.data.splits} totals={stats.data.totals} />
          ))}
      </Card>
      <div className="grid items-start gap-6 lg:grid-cols-5">
        <Card
          title="Classes"
          description="Annotated instances per class and split."
          className="lg:col-span-2"
        >
          {stats.data !== undefined && (
            <ClassHistogram
              classNames={stats.data.class_names.length > 0 ? stats.data.class_names : classNames}
              splits={stats.data.splits}
            />
          )}
        </Card>
        <div className="lg:col-span-3">{aside}</div>
      </div>
    </>
  );
}

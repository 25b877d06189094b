import { useDatasetVersions } from '@/hooks/useDatasetVersions';
import type { DatasetVersion } from '@/services/datasetVersions.service';
import { errorMessage } from '@/services/errors';

function versionLabel(version: DatasetVersion): string {
  const message = version.message === '' ? '' : ` · ${version.message.slice(0, 60)}`;
  return `v${version.number}${message} · ${version.counts.images} images`;
}

export interface DatasetVersionSelectProps {
  datasetId: string;
  /** The chosen version's id; null trains on the working copy as it is now. */
  value: string | null;
  onChange: (versionId: string | null) => void;
}

/** Which state of the dataset a run trains on: an immutable version, or the working copy. */
export function DatasetVersionSelect({ datasetId, value, onChange }: DatasetVersionSelectProps) {
  const versions = useDatasetVersions(datasetId, datasetId !== '');
  if (datasetId === '') return null;
  const items = versions.data?.items ?? [];
  return (
    <div className="mt-4">
      <label className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium text-slate-700">Version</span>
        <select
          aria-label="Dataset version"
          className="h-9 min-w-64 rounded-md border border-slate-300 px-2 text-sm"
          value={value ?? ''}
          disabled={versions.isPending}
          onChange={(event) => {
            onChange(event.target.value === '' ? null : event.target.value);
          }}
        >
          <option value="">Working copy (as it is now)</option>
          {items.map((version) => (
            <option key={version.id} value={version.id}>
              {versionLabel(version)}
            </option>
          ))}
        </select>
      </label>
      <p className="mt-1 text-xs text-slate-500">
        {versions.isError
          ? `Versions could not be loaded: ${errorMessage(versions.error)}`
          : items.length === 0 && !versions.isPending
            ? 'No versions yet: create one on the dataset page to train on a fixed snapshot.'
            : 'A version is immutable: the model’s lineage names it, and the run can be repeated.'}
      </p>
    </div>
  );
}

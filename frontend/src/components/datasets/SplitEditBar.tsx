import { useState } from 'react';

import { Button } from '@/components/common/Button';
import { useAssignSplit } from '@/hooks/useDatasetVersions';
import { SPLIT_NAMES } from '@/services/datasets.service';
import type { SplitName } from '@/services/datasetVersions.service';
import { errorMessage } from '@/services/errors';

import { splitLabel } from './format';

interface Props {
  datasetId: string;
  selected: ReadonlySet<string>;
  onMoved: () => void;
}

/** Moves the selected images of the working copy to another split. */
export function SplitEditBar({ datasetId, selected, onMoved }: Props) {
  const [split, setSplit] = useState<SplitName>('val');
  const assign = useAssignSplit(datasetId);
  const count = selected.size;
  return (
    <div
      className="mb-4 flex flex-wrap items-center gap-3 rounded-lg bg-sky-50 px-3 py-2 text-sm"
      data-testid="split-edit-bar"
    >
      <span className="text-slate-700" aria-live="polite">
        {count} image{count === 1 ? '' : 's'} selected
      </span>
      <label className="flex items-center gap-2 text-slate-600">
        Move to
        <select
          aria-label="Target split"
          className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm"
          value={split}
          onChange={(event) => {
            setSplit(event.target.value as SplitName);
          }}
        >
          {SPLIT_NAMES.map((name) => (
            <option key={name} value={name}>
              {splitLabel(name)}
            </option>
          ))}
        </select>
      </label>
      <Button
        size="sm"
        disabled={count === 0 || assign.isPending}
        onClick={() => {
          assign.mutate({ imageIds: [...selected], split }, { onSuccess: onMoved });
        }}
      >
        {assign.isPending ? 'Moving…' : 'Move'}
      </Button>
      {assign.isSuccess && (
        <span role="status" className="text-emerald-700">
          Moved {assign.data.moved.length}; {assign.data.unchanged} already there.
        </span>
      )}
      {assign.isError && (
        <span role="alert" className="text-red-600">
          {errorMessage(assign.error)}
        </span>
      )}
    </div>
  );
}

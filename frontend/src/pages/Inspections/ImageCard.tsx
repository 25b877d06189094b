import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { INPUT_CLASSES } from '@/components/common/FormField';
import { Table, type Column } from '@/components/common/Table';
import { errorMessage } from '@/services/errors';
import {
  isPending,
  removeImage,
  updateImage,
  type Crack,
  type InspectionImage,
} from '@/services/inspections.service';

import { ConfirmDelete } from './ConfirmDelete';
import { ScalePanel } from './ScalePanel';
import { SeverityBadge } from './SeverityBadge';

function mm(value: number | null, digits: number): string {
  return value === null ? '—' : value.toFixed(digits);
}

const CRACK_COLUMNS: readonly Column<Crack>[] = [
  { key: 'id', header: 'Crack', rowHeader: true, cell: (c) => `#${c.id}` },
  {
    key: 'length',
    header: 'Length (mm)',
    align: 'right',
    cell: (c) => mm(c.length_mm, 1),
    sortValue: (c) => c.length_mm,
  },
  {
    key: 'width',
    header: 'Max width (mm)',
    align: 'right',
    cell: (c) => mm(c.width_max_mm, 2),
    sortValue: (c) => c.width_max_mm,
  },
  { key: 'p95', header: 'P95 width (mm)', align: 'right', cell: (c) => mm(c.width_p95_mm, 2) },
  { key: 'px', header: 'Length (px)', align: 'right', cell: (c) => c.length_px.toFixed(1) },
  { key: 'severity', header: 'Severity', cell: (c) => <SeverityBadge severity={c.severity} /> },
];

function ElementLabel({ image, onChanged }: { image: InspectionImage; onChanged: () => void }) {
  const [label, setLabel] = useState(image.element_label ?? '');
  const save = useMutation({
    mutationFn: () =>
      updateImage(image.id, {
        version: image.version,
        element_label: label.trim() === '' ? null : label.trim(),
      }),
    onSuccess: onChanged,
  });
  return (
    <div className="flex flex-wrap items-end gap-2">
      <label className="text-xs text-slate-600">
        Element
        <input
          className={`${INPUT_CLASSES} w-48`}
          maxLength={100}
          value={label}
          aria-label="Element label"
          placeholder="e.g. Pier 3, north face"
          onChange={(e) => {
            setLabel(e.target.value);
          }}
        />
      </label>
      <Button
        size="sm"
        variant="secondary"
        disabled={save.isPending || label === (image.element_label ?? '')}
        onClick={() => {
          save.mutate();
        }}
      >
        Save label
      </Button>
      {save.isError && <span className="text-xs text-red-700">{errorMessage(save.error)}</span>}
    </div>
  );
}

export function ImageCard({ image, onChanged }: { image: InspectionImage; onChanged: () => void }) {
  const remove = useMutation({ mutationFn: () => removeImage(image.id), onSuccess: onChanged });
  const analysing = isPending(image.analysis_status);
  return (
    <article
      className="grid gap-5 border-t border-slate-100 p-5 first:border-t-0 lg:grid-cols-[18rem_1fr]"
      data-testid={`inspection-image-${image.id}`}
      aria-label={image.image_name}
    >
      <div className="space-y-2">
        <img
          src={image.annotated_url}
          alt={`${image.image_name} with its cracks`}
          className="w-full rounded-md bg-slate-100 object-contain"
          loading="lazy"
        />
        <p className="text-sm font-medium text-slate-900">{image.image_name}</p>
        <p className="text-xs text-slate-500">
          {image.location
            ? `${image.location.latitude.toFixed(6)}, ${image.location.longitude.toFixed(6)}`
            : 'No GPS position'}
          {image.camera?.make || image.camera?.model
            ? ` · ${[image.camera.make, image.camera.model].filter(Boolean).join(' ')}`
            : ''}
        </p>
        <ConfirmDelete
          label="Remove"
          message="Take it out of this inspection?"
          pending={remove.isPending}
          onConfirm={() => {
            remove.mutate();
          }}
        />
      </div>
      <div className="space-y-4">
        <ElementLabel image={image} onChanged={onChanged} />
        {analysing && <Callout tone="info">Reading the photo's metadata, GPS and scale…</Callout>}
        {image.analysis_status === 'failed' && (
          <Callout tone="error" title="The analysis failed">
            {image.analysis_error ?? 'No reason given.'} The manual scale still works.
          </Callout>
        )}
        <ScalePanel key={`${image.id}-${image.version}`} image={image} onChanged={onChanged} />
        <Table
          label={`Cracks of ${image.image_name}`}
          variant="compact"
          columns={CRACK_COLUMNS}
          rows={image.cracks}
          rowKey={(c) => String(c.id)}
          empty={<p className="text-sm text-slate-500">No crack found in this photo.</p>}
        />
      </div>
    </article>
  );
}

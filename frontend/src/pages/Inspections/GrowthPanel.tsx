import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { FormField, INPUT_CLASSES } from '@/components/common/FormField';
import { ProgressBar } from '@/components/common/ProgressBar';
import { Table, type Column } from '@/components/common/Table';
import { errorMessage } from '@/services/errors';
import {
  earlierInspections,
  fetchInspection,
  inspectionKeys,
  isPending,
  requestGrowth,
  sameElement,
  type CrackChange,
  type Growth,
  type InspectionDetail,
  type StructureDetail,
} from '@/services/inspections.service';

function signed(value: number | null, digits: number): string {
  if (value === null) return '—';
  return `${value > 0 ? '+' : ''}${value.toFixed(digits)}`;
}

function value(value: number | null, digits: number): string {
  return value === null ? '—' : value.toFixed(digits);
}

function changeColumns(inMm: boolean): readonly Column<CrackChange>[] {
  const unit = inMm ? 'mm' : 'px';
  const pick = (mmValue: number | null, pxValue: number | null) => (inMm ? mmValue : pxValue);
  return [
    {
      key: 'crack',
      header: 'Crack (old → new)',
      rowHeader: true,
      cell: (c) => `${c.old_id ?? '—'} → ${c.new_id ?? '—'}`,
    },
    { key: 'status', header: 'Status', cell: (c) => c.status },
    {
      key: 'length',
      header: `Length (${unit})`,
      align: 'right',
      cell: (c) =>
        `${value(pick(c.old_length_mm, c.old_length_px), 1)} → ${value(pick(c.new_length_mm, c.new_length_px), 1)}`,
    },
    {
      key: 'dl',
      header: 'Change',
      align: 'right',
      cell: (c) => signed(pick(c.length_change_mm, c.length_change_px), 1),
    },
    {
      key: 'width',
      header: `Max width (${unit})`,
      align: 'right',
      cell: (c) =>
        `${value(pick(c.old_width_max_mm, c.old_width_max_px), 2)} → ${value(pick(c.new_width_max_mm, c.new_width_max_px), 2)}`,
    },
    {
      key: 'dw',
      header: 'Change',
      align: 'right',
      cell: (c) => signed(pick(c.width_change_mm, c.width_change_px), 2),
    },
  ];
}

function GrowthResultView({ growth }: { growth: Growth }) {
  if (isPending(growth.status)) {
    return <ProgressBar value={growth.progress * 100} label="Aligning and comparing" showValue />;
  }
  if (growth.status !== 'completed' || growth.result === null) {
    return (
      <Callout tone="error" title="No comparison">
        {growth.error ?? `The comparison ended ${growth.status}.`}
      </Callout>
    );
  }
  const { result } = growth;
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">
        {result.matched} crack(s) in both, {result.new} new, {result.disappeared} no longer found.
        Alignment quality {result.quality.toFixed(2)}.{' '}
        {result.in_mm ? 'Changes in mm.' : 'Changes in pixels: one of the photos has no scale.'}
      </p>
      {growth.overlay_url && (
        <img
          src={growth.overlay_url}
          alt="Old cracks (blue) against new ones (red) on the new photo"
          className="max-h-96 rounded-md"
        />
      )}
      <Table
        label="Crack changes"
        variant="compact"
        columns={changeColumns(result.in_mm)}
        rows={result.changes}
        rowKey={(c) => `${c.old_id ?? '-'}:${c.new_id ?? '-'}:${c.status}`}
      />
    </div>
  );
}

export interface GrowthPanelProps {
  structure: StructureDetail;
  inspection: InspectionDetail;
  onStarted: () => void;
}

/** Compare a photo of this inspection with one of the same element from an earlier inspection. */
export function GrowthPanel({ structure, inspection, onStarted }: GrowthPanelProps) {
  const earlier = earlierInspections(structure, inspection);
  const labelled = inspection.images.filter((i) => i.element_label !== null);
  const [newImageId, setNewImageId] = useState('');
  const [olderId, setOlderId] = useState('');
  const [oldImageId, setOldImageId] = useState('');
  const newImage = labelled.find((i) => i.id === newImageId) ?? labelled[0];
  const olderInspectionId = olderId !== '' ? olderId : (earlier[0]?.id ?? '');
  const older = useQuery({
    queryKey: inspectionKeys.inspection(olderInspectionId),
    queryFn: ({ signal }) => fetchInspection(olderInspectionId, signal),
    enabled: olderInspectionId !== '',
  });
  const candidates = sameElement(older.data?.images ?? [], newImage?.element_label ?? null);
  const oldImage = candidates.find((i) => i.id === oldImageId) ?? candidates[0];
  const start = useMutation({
    mutationFn: () => requestGrowth(oldImage?.id ?? '', newImage?.id ?? ''),
    onSuccess: onStarted,
  });

  return (
    <div className="space-y-5">
      {earlier.length === 0 || labelled.length === 0 ? (
        <p className="text-sm text-slate-500">
          Growth needs an earlier inspection of this structure and photos with an element label (the
          same label on the old and the new photo).
        </p>
      ) : (
        <div className="grid gap-4 sm:grid-cols-4 sm:items-end">
          <FormField label="New photo">
            {(control) => (
              <select
                {...control}
                className={INPUT_CLASSES}
                value={newImage?.id ?? ''}
                onChange={(e) => {
                  setNewImageId(e.target.value);
                }}
              >
                {labelled.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.element_label} · {i.image_name}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField label="Earlier inspection">
            {(control) => (
              <select
                {...control}
                className={INPUT_CLASSES}
                value={olderInspectionId}
                onChange={(e) => {
                  setOlderId(e.target.value);
                }}
              >
                {earlier.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.inspected_on}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField label="Old photo (same element)">
            {(control) => (
              <select
                {...control}
                className={INPUT_CLASSES}
                value={oldImage?.id ?? ''}
                onChange={(e) => {
                  setOldImageId(e.target.value);
                }}
              >
                {candidates.length === 0 && <option value="">None with this label</option>}
                {candidates.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.image_name}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <Button
            disabled={oldImage === undefined || newImage === undefined || start.isPending}
            onClick={() => {
              start.mutate();
            }}
          >
            Compare
          </Button>
        </div>
      )}
      {start.isError && <Callout tone="error">{errorMessage(start.error)}</Callout>}
      {inspection.growth.map((growth) => (
        <section
          key={growth.id}
          className="space-y-2 rounded-lg border border-slate-200 p-4"
          data-testid={`growth-${growth.id}`}
        >
          <h3 className="text-sm font-semibold text-slate-900">
            {growth.element_label ?? 'Element'}: {growth.old_inspected_on ?? 'earlier'} →{' '}
            {inspection.inspected_on}
          </h3>
          <GrowthResultView growth={growth} />
        </section>
      ))}
    </div>
  );
}

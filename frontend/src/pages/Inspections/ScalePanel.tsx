import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { INPUT_CLASSES } from '@/components/common/FormField';
import { errorMessage, hasStatus } from '@/services/errors';
import {
  formatScale,
  SCALE_SOURCE_LABELS,
  updateImage,
  type ImageUpdate,
  type InspectionImage,
} from '@/services/inspections.service';

export interface ScalePanelProps {
  image: InspectionImage;
  onChanged: () => void;
}

/**
 * The scale in use with its source and uncertainty, every candidate the analysis found, why a source
 * gave nothing, and the manual override. A conflict (two sources more than 10 % apart) shows both values
 * and asks which to use. Every change sends the image's version: a stale one is refused (409) and the
 * panel asks to reload.
 */
export function ScalePanel({ image, onChanged }: ScalePanelProps) {
  const { scale } = image;
  const [manual, setManual] = useState(scale.manual_mm_per_px?.toString() ?? '');
  const [distance, setDistance] = useState(image.distance_m?.toString() ?? '');
  const change = useMutation({
    mutationFn: (body: Omit<ImageUpdate, 'version'>) =>
      updateImage(image.id, { version: image.version, ...body }),
    onSuccess: onChanged,
  });
  const stale = change.isError && hasStatus(change.error, 409);
  const manualValue = Number(manual);
  const manualValid = manual !== '' && Number.isFinite(manualValue) && manualValue > 0;
  // A candidate can be picked unless it is already in use (in a conflict, confirming it settles it).
  const canPick = (source: string) =>
    source !== scale.source || (scale.conflict && scale.choice === 'auto');

  return (
    <div className="space-y-3 text-sm" data-testid={`scale-${image.id}`}>
      <p>
        <span className="font-medium text-slate-900" data-testid="scale-value">
          {formatScale(scale.mm_per_px, scale.uncertainty_pct)}
        </span>{' '}
        <span className="text-slate-500">
          {scale.source !== null ? `from ${SCALE_SOURCE_LABELS[scale.source]}` : ''}
          {scale.choice === 'auto' ? ' (automatic)' : ' (chosen)'}
        </span>
      </p>
      {scale.conflict && (
        <Callout tone="warning" title="The scale sources disagree by more than 10 %">
          Which one is right? Pick it below:{' '}
          {scale.candidates
            .map((c) => `${SCALE_SOURCE_LABELS[c.source]} ${formatScale(c.mm_per_px)}`)
            .join(' vs ')}
        </Callout>
      )}
      {scale.candidates.length > 0 && (
        <ul className="space-y-1.5">
          {scale.candidates.map((candidate) => (
            <li key={candidate.source} className="flex flex-wrap items-center gap-2">
              <span className="w-28 font-medium text-slate-700">
                {SCALE_SOURCE_LABELS[candidate.source]}
              </span>
              <span>{formatScale(candidate.mm_per_px, candidate.uncertainty_pct)}</span>
              <span className="text-xs text-slate-500">{candidate.detail}</span>
              {candidate.warning && (
                <span className="text-xs text-amber-700">{candidate.warning}</span>
              )}
              {canPick(candidate.source) && (
                <Button
                  size="sm"
                  variant="secondary"
                  disabled={change.isPending}
                  onClick={() => {
                    change.mutate({ scale_choice: candidate.source });
                  }}
                >
                  Use {SCALE_SOURCE_LABELS[candidate.source].toLowerCase()}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {scale.choice !== 'auto' && (
        <Button
          size="sm"
          variant="ghost"
          onClick={() => {
            change.mutate({ scale_choice: 'auto' });
          }}
        >
          Back to automatic
        </Button>
      )}
      {scale.notes.length > 0 && (
        <ul className="list-disc space-y-0.5 pl-5 text-xs text-slate-500" aria-label="Scale notes">
          {scale.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      <div className="flex flex-wrap items-end gap-2">
        <NumberField
          label="Manual mm/px"
          ariaLabel="Manual mm per px"
          width="w-28"
          min={0.001}
          max={1000}
          value={manual}
          onChange={setManual}
        />
        <Button
          size="sm"
          disabled={!manualValid || change.isPending}
          onClick={() => {
            change.mutate({ manual_mm_per_px: manualValue, scale_choice: 'manual' });
          }}
        >
          Use manual scale
        </Button>
        <NumberField
          label="Distance (m)"
          ariaLabel="Camera distance in metres"
          width="w-24"
          min={0.01}
          max={2000}
          value={distance}
          onChange={setDistance}
        />
        <Button
          size="sm"
          variant="secondary"
          disabled={distance === '' || change.isPending}
          onClick={() => {
            change.mutate({ distance_m: Number(distance) });
          }}
        >
          Re-analyse with distance
        </Button>
      </div>
      {change.isError && (
        <Callout tone="error">
          {errorMessage(change.error)}
          {stale && (
            <Button size="sm" variant="secondary" className="ml-2" onClick={onChanged}>
              Reload
            </Button>
          )}
        </Callout>
      )}
    </div>
  );
}

interface NumberFieldProps {
  label: string;
  ariaLabel: string;
  width: string;
  min: number;
  max: number;
  value: string;
  onChange: (value: string) => void;
}

/** A small labelled number input of the scale panel (kept as text until a button uses it). */
function NumberField({ label, ariaLabel, width, min, max, value, onChange }: NumberFieldProps) {
  return (
    <label className="text-xs text-slate-600">
      {label}
      <input
        className={`${INPUT_CLASSES} ${width}`}
        type="number"
        min={min}
        max={max}
        step="any"
        value={value}
        aria-label={ariaLabel}
        onChange={(e) => {
          onChange(e.target.value);
        }}
      />
    </label>
  );
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import { useState, type SubmitEvent } from 'react';

import { inRange, numberRange } from '@/api/limits';
import { Button } from '@/components/common/Button';
import { Loader } from '@/components/common/Loader';
import { isJobRunning, useJob } from '@/hooks/useJob';
import { modelKeys, useExportFormats, useStartExport } from '@/hooks/useModels';
import { useFamilies } from '@/hooks/useTraining';
import { familyNamed, type Family } from '@/components/training/families';
import {
  fetchExport,
  type ExportFormatInfo,
  type ExportOut,
  type ExportRequest,
  type ModelDetail,
} from '@/services/models.service';
import { errorReason } from '@/services/errors';
import { cn } from '@/utils/cn';

import { Dialog } from './Dialog';
import { FormField } from '@/components/common/FormField';
import { formatBytes } from './format';
import { JobProgress } from './JobProgress';
import { Callout } from '@/components/common/Callout';

export interface ExportDialogProps {
  model: ModelDetail;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function ExportDialog({ model, open, onOpenChange }: ExportDialogProps) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      size="lg"
      title="Export model"
      description={`Convert ${model.name} to a deployment format. The export runs in the background.`}
    >
      {open && <ExportPanel model={model} />}
    </Dialog>
  );
}

function ExportPanel({ model }: { model: ModelDetail }) {
  const [started, setStarted] = useState<ExportOut | null>(null);
  if (started !== null) {
    return (
      <ExportProgress
        modelId={model.id}
        started={started}
        onAnother={() => {
          setStarted(null);
        }}
      />
    );
  }
  return <ExportForm model={model} onStarted={setStarted} />;
}

interface ExportOptionsState {
  format: string;
  imgsz: string;
  half: boolean;
  dynamic: boolean;
  simplify: boolean;
}

const IMGSZ = numberRange('ExportRequest', 'imgsz');

function imgszProblem(raw: string): string | null {
  if (raw.trim() === '') return null;
  const value = Number(raw);
  if (!inRange({ ...IMGSZ, integer: true }, value)) {
    return `Between ${IMGSZ.min} and ${IMGSZ.max} pixels.`;
  }
  if (value % 32 !== 0) return 'A multiple of 32 (the model stride).';
  return null;
}

type FormatOptions = ExportFormatInfo['options'] & { fixed_size: boolean };

/**
 * The options a format takes for the model: what the format offers here, narrowed by what the
 * model's family exporter takes (its metadata), and whether it exports at the training size.
 */
function optionsFor(
  format: ExportFormatInfo,
  framework: string,
  family: Family | undefined,
): FormatOptions {
  const base = format.framework_options?.[framework] ?? format.options;
  const own = family?.export_options[format.name];
  if (own === undefined) return { ...base, fixed_size: false };
  return {
    dynamic: base.dynamic && own.dynamic === true,
    simplify: base.simplify && own.simplify === true,
    opset: base.opset && own.opset === true,
    half: base.half && own.half === true,
    fixed_size: own.fixed_size === true,
  };
}

/** Formats the model's family can export to (its metadata; else the formats' own lists). */
function formatsFor(
  formats: ExportFormatInfo[],
  framework: string,
  family: Family | undefined,
): ExportFormatInfo[] {
  if (family !== undefined) {
    return formats.filter((format) => family.export_formats.includes(format.name));
  }
  return formats.filter(
    (format) => format.frameworks === undefined || format.frameworks.includes(framework),
  );
}

function requestOf(
  state: ExportOptionsState,
  format: ExportFormatInfo,
  options: FormatOptions,
): ExportRequest {
  const body: ExportRequest = {
    format: format.name as ExportRequest['format'],
    half: state.half && options.half,
    // Options a format does not take are sent as their defaults (the backend refuses others).
    dynamic: options.dynamic && state.dynamic,
    simplify: options.simplify ? state.simplify : true,
  };
  if (state.imgsz.trim() !== '' && !options.fixed_size) body.imgsz = Number(state.imgsz);
  return body;
}

function ExportForm({
  model,
  onStarted,
}: {
  model: ModelDetail;
  onStarted: (started: ExportOut) => void;
}) {
  const formats = useExportFormats();
  const families = useFamilies();
  const start = useStartExport(model.id);
  const [state, setState] = useState<ExportOptionsState>({
    format: 'onnx',
    imgsz: model.image_size === null ? '' : String(model.image_size),
    half: false,
    dynamic: false,
    simplify: true,
  });

  if (formats.isPending) return <Loader label="Loading the export formats…" />;
  if (formats.isError) {
    return (
      <Callout tone="error">
        Could not load the export formats: {errorReason(formats.error)}
      </Callout>
    );
  }
  const framework = model.framework;
  const family = familyNamed(families, framework);
  const offered = formatsFor(formats.data.formats, framework, family);
  const available = offered.filter((item) => item.available);
  const selected =
    offered.find((item) => item.name === state.format && item.available) ?? available[0];
  const options = selected === undefined ? undefined : optionsFor(selected, framework, family);
  const sizeFixed = options?.fixed_size ?? false;
  const sizeProblem = sizeFixed ? null : imgszProblem(state.imgsz);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (selected === undefined || options === undefined || sizeProblem !== null) return;
    start.mutate(requestOf(state, selected, options), { onSuccess: onStarted });
  };

  return (
    <form onSubmit={submit} className="space-y-5" aria-label="Export options">
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Format</legend>
        {offered.length < formats.data.formats.length && (
          <p className="mt-1 text-xs text-slate-500">
            {family?.label ?? framework} models export to{' '}
            {offered.map((format) => format.title).join(', ')} only.
          </p>
        )}
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {offered.map((format) => (
            <FormatOption
              key={format.name}
              format={format}
              checked={selected?.name === format.name}
              onSelect={() => {
                setState((current) => ({ ...current, format: format.name, half: false }));
              }}
            />
          ))}
        </div>
      </fieldset>

      {selected !== undefined && options !== undefined && (
        <fieldset className="grid gap-4 sm:grid-cols-2">
          <legend className="mb-2 text-sm font-medium text-slate-700">Options</legend>
          <FormField
            label="Image size"
            hint={
              sizeFixed
                ? `Fixed: the model exports at its training size, ${String(model.image_size ?? '—')} px.`
                : `Pixels; default ${model.image_size ?? 640} (the training size).`
            }
            error={sizeProblem ?? undefined}
          >
            {(control) => (
              <input
                {...control}
                type="number"
                inputMode="numeric"
                min={IMGSZ.min}
                max={IMGSZ.max}
                step={32}
                disabled={sizeFixed}
                value={sizeFixed ? String(model.image_size ?? '') : state.imgsz}
                onChange={(event) => {
                  setState((current) => ({ ...current, imgsz: event.target.value }));
                }}
              />
            )}
          </FormField>
          <div className="space-y-2 pt-1">
            <Toggle
              label="FP16 (half)"
              checked={state.half}
              disabledReason={
                options.half
                  ? null
                  : (selected.half_reason ?? `FP16 is not possible for ${selected.title} here.`)
              }
              onChange={(half) => {
                setState((current) => ({ ...current, half }));
              }}
            />
            <Toggle
              label="Dynamic input shapes"
              checked={state.dynamic && options.dynamic}
              disabledReason={
                options.dynamic ? null : `${selected.title} takes a fixed input shape.`
              }
              onChange={(dynamic) => {
                setState((current) => ({ ...current, dynamic }));
              }}
            />
            <Toggle
              label="Simplify the graph"
              checked={state.simplify && options.simplify}
              disabledReason={options.simplify ? null : `Not an option for ${selected.title}.`}
              onChange={(simplify) => {
                setState((current) => ({ ...current, simplify }));
              }}
            />
          </div>
        </fieldset>
      )}

      {start.isError && (
        <Callout tone="error" title="The export was not started">
          {errorReason(start.error)}
        </Callout>
      )}

      <div className="flex justify-end gap-2 border-t border-slate-100 pt-4">
        <Button
          type="submit"
          disabled={selected === undefined || sizeProblem !== null || start.isPending}
        >
          {start.isPending ? 'Starting…' : `Export to ${selected?.title ?? '…'}`}
        </Button>
      </div>
    </form>
  );
}

function FormatOption({
  format,
  checked,
  onSelect,
}: {
  format: ExportFormatInfo;
  checked: boolean;
  onSelect: () => void;
}) {
  const reasonId = `format-${format.name}-reason`;
  return (
    <label
      data-testid={`format-${format.name}`}
      className={cn(
        'flex gap-3 rounded-lg border p-3 text-sm',
        format.available ? 'cursor-pointer hover:border-sky-300' : 'cursor-not-allowed bg-slate-50',
        checked ? 'border-sky-500 ring-1 ring-sky-500' : 'border-slate-200',
      )}
    >
      <input
        type="radio"
        name="export-format"
        value={format.name}
        className="mt-0.5 size-4 text-sky-600 focus:ring-sky-600"
        checked={checked}
        disabled={!format.available}
        aria-describedby={format.available ? undefined : reasonId}
        onChange={onSelect}
      />
      <span className="min-w-0">
        <span className={cn('font-medium', format.available ? 'text-slate-900' : 'text-slate-500')}>
          {format.title}
        </span>
        {format.is_directory && <span className="ml-1.5 text-xs text-slate-400">folder · zip</span>}
        <span className="mt-0.5 block text-xs text-slate-500">{format.description}</span>
        {!format.available && (
          <span id={reasonId} className="mt-1 block text-xs text-amber-700">
            {format.reason ?? 'Not available on this machine.'}
          </span>
        )}
      </span>
    </label>
  );
}

function Toggle({
  label,
  checked,
  disabledReason,
  onChange,
}: {
  label: string;
  checked: boolean;
  disabledReason: string | null;
  onChange: (checked: boolean) => void;
}) {
  const disabled = disabledReason !== null;
  return (
    <label className={cn('flex items-start gap-2 text-sm', disabled && 'text-slate-400')}>
      <input
        type="checkbox"
        className="mt-0.5 size-4 rounded border-slate-300 text-sky-600 focus:ring-sky-600"
        checked={checked && !disabled}
        disabled={disabled}
        onChange={(event) => {
          onChange(event.target.checked);
        }}
      />
      <span>
        {label}
        {disabledReason !== null && (
          <span className="block text-xs text-slate-400">{disabledReason}</span>
        )}
      </span>
    </label>
  );
}

function ExportProgress({
  modelId,
  started,
  onAnother,
}: {
  modelId: string;
  started: ExportOut;
  onAnother: () => void;
}) {
  const queryClient = useQueryClient();
  const job = useJob(started.job_id, {
    onFinished: () => {
      void queryClient.invalidateQueries({ queryKey: modelKeys.detail(modelId) });
    },
  });
  const current = job.data;
  const finished = current !== undefined && !isJobRunning(current.status);
  const result = useQuery({
    queryKey: [...modelKeys.detail(modelId), 'export', started.id],
    queryFn: ({ signal }) => fetchExport(modelId, started.id, signal),
    enabled: finished,
  });
  const title = started.format.toUpperCase();
  const done = result.data;

  return (
    <div className="space-y-4" data-testid="export-progress">
      <JobProgress label={`Export to ${title}`} job={current} />
      {job.isError && (
        <Callout tone="error">Could not follow the export: {errorReason(job.error)}</Callout>
      )}
      {finished && current.status !== 'completed' && (
        <Callout tone="error" title="The export failed">
          {current.error ?? done?.error ?? `The job ended: ${current.status}.`}
        </Callout>
      )}
      {done?.status === 'completed' && done.download_url !== null && (
        <Callout tone="success" title="Export ready">
          <a
            href={done.download_url}
            download
            className="mt-1 inline-flex items-center gap-1.5 font-medium text-emerald-800 underline hover:text-emerald-700"
          >
            <Download className="size-4" aria-hidden="true" />
            Download {done.file_name ?? title}
            {done.is_directory ? ' (zip)' : ''} · {formatBytes(done.size_bytes)}
          </a>
        </Callout>
      )}
      {finished && (
        <div className="flex justify-end">
          <Button variant="secondary" size="sm" onClick={onAnother}>
            Export another format
          </Button>
        </div>
      )}
    </div>
  );
}

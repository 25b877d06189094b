import { useState, type SubmitEvent } from 'react';

import { Button } from '@/components/common/Button';
import { Loader } from '@/components/common/Loader';
import { useMonitoringSettings, useSaveMonitoringSettings } from '@/hooks/useMonitoring';
import { errorMessage } from '@/services/errors';
import type { MonitoringSettings } from '@/services/monitoring.service';
import { showToast } from '@/store/uiStore';

import { FIELDS, toDraft, validateDraft, type Draft, type Errors } from './monitoringSettings';

function SettingsForm({ initial }: { initial: MonitoringSettings }) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(initial));
  const [errors, setErrors] = useState<Errors>({});
  const save = useSaveMonitoringSettings();

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = validateDraft(draft);
    if ('errors' in checked) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    save.mutate(checked.settings, {
      onSuccess: () => {
        showToast({ variant: 'success', title: 'Monitoring settings saved' });
      },
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="GPU monitoring settings" className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        {FIELDS.map((field) => {
          const id = `monitoring-${field.key}`;
          const error = errors[field.key];
          return (
            <div
              key={field.key}
              className={field.key === 'interval_s' ? 'sm:col-span-2 sm:w-1/2 sm:pr-2' : undefined}
            >
              <label htmlFor={id} className="block text-xs font-medium text-slate-700">
                {field.label} ({field.unit})
              </label>
              <input
                id={id}
                type="number"
                inputMode="decimal"
                min={field.min}
                max={field.max}
                step={field.step}
                value={draft[field.key]}
                aria-invalid={error !== undefined}
                aria-describedby={error ? `${id}-error` : undefined}
                onChange={(event) => {
                  setDraft((previous) => ({ ...previous, [field.key]: event.target.value }));
                }}
                className="mt-1 w-full rounded-md border border-slate-300 px-2.5 py-1.5 text-sm tabular-nums aria-invalid:border-red-500"
              />
              {error && (
                <p id={`${id}-error`} className="mt-1 text-xs text-red-700">
                  {error}
                </p>
              )}
            </div>
          );
        })}
      </div>
      {save.isError && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(save.error)}
        </p>
      )}
      <Button type="submit" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save'}
      </Button>
    </form>
  );
}

/** Settings > GPU: thresholds (warning/critical notifications) and the sampling interval. */
export function MonitoringSettingsForm() {
  const settings = useMonitoringSettings();
  if (settings.isPending) return <Loader label="Loading monitoring settings…" />;
  if (settings.isError) {
    return <p className="text-sm text-red-700">{errorMessage(settings.error)}</p>;
  }
  return <SettingsForm key={JSON.stringify(settings.data)} initial={settings.data} />;
}

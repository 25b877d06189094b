import { KeyRound } from 'lucide-react';
import { useState, type SubmitEvent } from 'react';

import { Button } from '@/components/common/Button';
import { useImportFromRoboflow, useRoboflowKeyStatus } from '@/hooks/useDatasets';
import {
  ROBOFLOW_FORMATS,
  type RoboflowExportFormat,
  type StartedDataset,
} from '@/services/datasets.service';

import { Callout } from '@/components/common/Callout';
import { FormField } from '@/components/common/FormField';
import { friendlyFieldMessage, splitImportErrors, type ImportFieldName } from './roboflowErrors';

interface FormValues {
  workspace: string;
  project: string;
  version: string;
  format: RoboflowExportFormat;
  name: string;
  apiKey: string;
  saveApiKey: boolean;
}

const INITIAL_VALUES: FormValues = {
  workspace: '',
  project: '',
  version: '1',
  format: 'yolov8',
  name: '',
  apiKey: '',
  saveApiKey: false,
};

export interface RoboflowImportFormProps {
  onImported: (result: StartedDataset) => void;
  onCancel: () => void;
}

export function RoboflowImportForm({ onImported, onCancel }: RoboflowImportFormProps) {
  const [values, setValues] = useState<FormValues>(INITIAL_VALUES);
  const keyStatus = useRoboflowKeyStatus();
  const importer = useImportFromRoboflow();
  const keyStored = keyStatus.data?.configured === true;
  const { fields: fieldErrors, form: formError } = importer.isError
    ? splitImportErrors(importer.error)
    : { fields: {}, form: null };

  const set = <Key extends keyof FormValues>(key: Key, value: FormValues[Key]) => {
    setValues((current) => ({ ...current, [key]: value }));
  };
  const fieldError = (field: ImportFieldName, value: string): string | undefined => {
    const message = fieldErrors[field];
    return message === undefined ? undefined : friendlyFieldMessage(message, value);
  };

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const apiKey = values.apiKey.trim();
    const name = values.name.trim();
    importer.mutate(
      {
        workspace: values.workspace.trim(),
        project: values.project.trim(),
        version: values.version.trim() === '' ? Number.NaN : Number(values.version),
        format: values.format,
        ...(name === '' ? {} : { name }),
        ...(apiKey === '' ? {} : { api_key: apiKey }),
        save_api_key: apiKey !== '' && values.saveApiKey,
      },
      { onSuccess: onImported },
    );
  };

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Import from Roboflow">
      <div className="grid grid-cols-2 gap-4">
        <FormField label="Workspace" error={fieldError('workspace', values.workspace)}>
          {(control) => (
            <input
              {...control}
              name="workspace"
              autoComplete="off"
              placeholder="my-workspace"
              value={values.workspace}
              onChange={(event) => {
                set('workspace', event.target.value);
              }}
            />
          )}
        </FormField>
        <FormField label="Project" error={fieldError('project', values.project)}>
          {(control) => (
            <input
              {...control}
              name="project"
              autoComplete="off"
              placeholder="crack-seg"
              value={values.project}
              onChange={(event) => {
                set('project', event.target.value);
              }}
            />
          )}
        </FormField>
        <FormField label="Version" error={fieldError('version', values.version)}>
          {(control) => (
            <input
              {...control}
              name="version"
              type="number"
              inputMode="numeric"
              min={1}
              value={values.version}
              onChange={(event) => {
                set('version', event.target.value);
              }}
            />
          )}
        </FormField>
        <FormField label="Export format" error={fieldError('format', values.format)}>
          {(control) => (
            <select
              {...control}
              name="format"
              value={values.format}
              onChange={(event) => {
                const chosen = ROBOFLOW_FORMATS.find((item) => item.value === event.target.value);
                if (chosen !== undefined) set('format', chosen.value);
              }}
            >
              {ROBOFLOW_FORMATS.map((item) => (
                <option key={item.value} value={item.value}>
                  {item.label}
                </option>
              ))}
            </select>
          )}
        </FormField>
      </div>
      <FormField
        label="Dataset name"
        optional
        hint="Defaults to the Roboflow project and version."
        error={fieldError('name', values.name)}
      >
        {(control) => (
          <input
            {...control}
            name="name"
            autoComplete="off"
            value={values.name}
            onChange={(event) => {
              set('name', event.target.value);
            }}
          />
        )}
      </FormField>
      <FormField
        label="API key"
        optional={keyStored}
        hint={
          keyStored ? (
            <span className="inline-flex items-center gap-1 text-emerald-700">
              <KeyRound className="size-3" aria-hidden="true" />A key is stored; leave this empty to
              use it.
            </span>
          ) : (
            'Your private Roboflow API key (Roboflow settings, API keys). It is never shown again.'
          )
        }
        error={fieldError('api_key', values.apiKey)}
      >
        {(control) => (
          <input
            {...control}
            name="api_key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={values.apiKey}
            onChange={(event) => {
              set('apiKey', event.target.value);
            }}
          />
        )}
      </FormField>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          className="size-4 rounded border-slate-300 text-sky-600 focus:ring-sky-600"
          checked={values.saveApiKey}
          disabled={values.apiKey.trim() === ''}
          onChange={(event) => {
            set('saveApiKey', event.target.checked);
          }}
        />
        {keyStored ? 'Replace the stored key with this one' : 'Store this key for later imports'}
      </label>
      {formError !== null && (
        <Callout tone="error" title="The import could not start">
          {formError}
        </Callout>
      )}
      <div className="flex justify-end gap-2 border-t border-slate-100 pt-4">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={importer.isPending}>
          {importer.isPending ? 'Starting…' : 'Import'}
        </Button>
      </div>
    </form>
  );
}

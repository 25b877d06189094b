import { Check, Pencil, X } from 'lucide-react';
import { useState, type SubmitEvent } from 'react';

import { Button } from '@/components/common/Button';
import { useUpdateModel } from '@/hooks/useModels';
import { MODEL_LIMITS } from '@/services/models.service';
import { errorReason } from '@/services/errors';

import { INPUT_CLASSES } from '@/components/common/FormField';
import { collapseSpaces, nameProblem } from './validation';

export interface NameEditorProps {
  modelId: string;
  name: string;
}

/** The model's name as the page title, renamed in place (Enter saves, Escape cancels). */
export function NameEditor({ modelId, name }: NameEditorProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const update = useUpdateModel(modelId);

  if (draft === null) {
    return (
      <div className="flex min-w-0 items-center gap-2">
        <h1 className="text-2xl font-semibold tracking-tight break-words text-slate-900">{name}</h1>
        <Button
          variant="ghost"
          size="sm"
          aria-label="Rename model"
          onClick={() => {
            update.reset();
            setTouched(false);
            setDraft(name);
          }}
        >
          <Pencil className="size-3.5" aria-hidden="true" />
        </Button>
      </div>
    );
  }

  const problem = nameProblem(draft);
  const shownProblem = touched ? problem : null;
  const cancel = () => {
    setDraft(null);
  };
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTouched(true);
    if (problem !== null) return;
    const next = collapseSpaces(draft);
    if (next === name) {
      cancel();
      return;
    }
    update.mutate(
      { name: next },
      {
        onSuccess: () => {
          setDraft(null);
        },
      },
    );
  };
  const serverError = update.isError ? errorReason(update.error) : null;

  return (
    <form onSubmit={submit} className="w-full max-w-xl" aria-label="Rename model">
      <h1 className="sr-only">{name}</h1>
      <div className="flex items-center gap-2">
        <input
          aria-label="Model name"
          aria-invalid={shownProblem !== null || serverError !== null}
          className={`${INPUT_CLASSES} text-lg font-semibold`}
          value={draft}
          maxLength={MODEL_LIMITS.nameMaxLength + 20}
          autoFocus
          onChange={(event) => {
            setTouched(true);
            setDraft(event.target.value);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') cancel();
          }}
        />
        <Button type="submit" size="sm" disabled={update.isPending || problem !== null}>
          <Check className="size-3.5" aria-hidden="true" />
          Save
        </Button>
        <Button variant="ghost" size="sm" onClick={cancel} aria-label="Cancel renaming">
          <X className="size-3.5" aria-hidden="true" />
        </Button>
      </div>
      {(shownProblem ?? serverError) !== null && (
        <p className="mt-1 text-xs text-red-600" role="alert">
          {shownProblem ?? serverError}
        </p>
      )}
    </form>
  );
}

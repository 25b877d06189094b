import { Plus, Tag, X } from 'lucide-react';
import { useState, type SubmitEvent } from 'react';

import { useUpdateModel } from '@/hooks/useModels';
import { MODEL_LIMITS } from '@/services/models.service';
import { errorReason } from '@/services/errors';
import { cn } from '@/utils/cn';

import { collapseSpaces, tagProblem } from './validation';

export interface TagEditorProps {
  modelId: string;
  tags: readonly string[];
}

/** Tags as removable chips plus an input that adds one (validated like the backend). */
export function TagEditor({ modelId, tags }: TagEditorProps) {
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const update = useUpdateModel(modelId);

  const save = (next: string[]) => {
    update.mutate(
      { tags: next },
      {
        onSuccess: () => {
          setDraft('');
        },
      },
    );
  };
  const add = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reason = tagProblem(draft, tags);
    setProblem(reason);
    if (reason === null) save([...tags, collapseSpaces(draft)]);
  };
  const message = problem ?? (update.isError ? errorReason(update.error) : null);

  return (
    <div data-testid="tag-editor">
      <ul className="flex flex-wrap items-center gap-1.5" aria-label="Tags">
        {tags.length === 0 && <li className="text-sm text-slate-400">No tags</li>}
        {tags.map((tag) => (
          <li
            key={tag}
            className="inline-flex items-center gap-1 rounded-md bg-slate-100 py-0.5 pr-1 pl-2 text-xs font-medium text-slate-700 ring-1 ring-slate-500/20 ring-inset"
          >
            <Tag className="size-3 text-slate-400" aria-hidden="true" />
            {tag}
            <button
              type="button"
              aria-label={`Remove tag ${tag}`}
              disabled={update.isPending}
              className="rounded p-0.5 text-slate-400 hover:bg-slate-200 hover:text-slate-700"
              onClick={() => {
                setProblem(null);
                save(tags.filter((other) => other !== tag));
              }}
            >
              <X className="size-3" aria-hidden="true" />
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="mt-2 flex items-center gap-1.5" aria-label="Add a tag">
        <input
          aria-label="New tag"
          placeholder={tags.length >= MODEL_LIMITS.maxTags ? 'Tag limit reached' : 'Add a tag'}
          aria-invalid={message !== null}
          maxLength={MODEL_LIMITS.tagMaxLength + 10}
          value={draft}
          disabled={update.isPending}
          className={cn(
            'h-7 w-40 rounded-md border-0 px-2 text-xs ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-sky-600',
            message !== null && 'ring-red-400',
          )}
          onChange={(event) => {
            setDraft(event.target.value);
            setProblem(null);
          }}
        />
        <button
          type="submit"
          disabled={update.isPending || draft.trim() === ''}
          className="inline-flex h-7 items-center gap-1 rounded-md px-2 text-xs font-medium text-sky-700 hover:bg-sky-50 disabled:opacity-50"
        >
          <Plus className="size-3.5" aria-hidden="true" />
          Add tag
        </button>
      </form>
      {message !== null && (
        <p className="mt-1 text-xs text-red-600" role="alert">
          {message}
        </p>
      )}
    </div>
  );
}

import { Trash2 } from 'lucide-react';

import { classColor } from '@/components/datasets/colors';
import { instanceBox, useEditorStore } from '@/store/editorStore';
import { useEditorViewStore } from '@/store/editorViewStore';
import { cn } from '@/utils/cn';

import { polygonArea } from './geometry';

/** The image's instances: select one, change its class, delete it. */
export function InstanceList({ classNames }: { classNames: readonly string[] }) {
  const instances = useEditorStore((state) => state.instances);
  const selectedKey = useEditorStore((state) => state.selectedKey);
  const select = useEditorStore((state) => state.select);
  const changeClass = useEditorStore((state) => state.changeClass);
  const deleteSelected = useEditorStore((state) => state.deleteSelected);
  const names = classNames.length > 0 ? classNames : ['class 0'];

  return (
    <div className="flex min-h-0 flex-col rounded-lg bg-white ring-1 ring-slate-200">
      <h2 className="border-b border-slate-100 px-3 py-2 text-sm font-semibold text-slate-800">
        Instances
      </h2>
      {instances.length === 0 && (
        <p className="px-3 py-4 text-sm text-slate-500">No instances: draw one with P or B.</p>
      )}
      <ul
        aria-label="Instances"
        className="min-h-0 flex-1 divide-y divide-slate-100 overflow-y-auto"
      >
        {instances.map((instance, index) => {
          const selected = instance.key === selectedKey;
          return (
            <li
              key={instance.key}
              data-testid="editor-instance"
              aria-selected={selected}
              className={cn('flex items-center gap-2 px-3 py-2 text-xs', selected && 'bg-sky-50')}
            >
              <button
                type="button"
                className="flex min-w-0 flex-1 items-center gap-2 text-left"
                onClick={() => {
                  select(selected ? null : instance.key);
                  // on a large photo the instance may be off screen: bring it to the centre
                  const box = selected ? null : instanceBox(instance);
                  if (box !== null) useEditorViewStore.getState().centerOn(box);
                }}
              >
                <span
                  aria-hidden="true"
                  className="size-3 shrink-0 rounded-sm"
                  style={{ backgroundColor: classColor(instance.class_id) }}
                />
                <span className="min-w-0">
                  <span className="block font-medium text-slate-800">#{index + 1}</span>
                  <span className="block text-slate-500">
                    {instance.source}
                    {instance.score !== null && ` · ${instance.score.toFixed(2)}`}
                    {instance.polygon !== null &&
                      ` · ${Math.round(polygonArea(instance.polygon)).toLocaleString()} px²`}
                    {!instance.reviewed && ' · unreviewed'}
                  </span>
                </span>
              </button>
              <select
                aria-label={`Class of instance ${index + 1}`}
                className="h-7 max-w-24 rounded border border-slate-300 px-1 text-xs"
                value={instance.class_id}
                onChange={(event) => {
                  changeClass(instance.key, Number(event.target.value));
                }}
              >
                {names.map((name, classId) => (
                  <option key={name} value={classId}>
                    {name}
                  </option>
                ))}
              </select>
              <button
                type="button"
                aria-label={`Delete instance ${index + 1}`}
                className="rounded p-1 text-slate-400 hover:bg-red-50 hover:text-red-600"
                onClick={() => {
                  select(instance.key);
                  deleteSelected();
                }}
              >
                <Trash2 className="size-3.5" aria-hidden="true" />
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

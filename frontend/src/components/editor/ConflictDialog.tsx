import { Button } from '@/components/common/Button';
import { Modal } from '@/components/common/Modal';
import type { ImageAnnotations } from '@/services/annotations.service';

interface Props {
  /** The state someone else saved (the 409's `current`), or null when there is no conflict. */
  current: ImageAnnotations | null;
  classNames: readonly string[];
  onReload: () => void;
  onKeepEditing: () => void;
}

function className(classNames: readonly string[], classId: number): string {
  return classNames[classId] ?? `class ${classId}`;
}

/**
 * A save refused because the image changed since it was opened: shows what is saved now and lets
 * the user load it (dropping their edits) or go back to their edits. Nothing is overwritten.
 */
export function ConflictDialog({ current, classNames, onReload, onKeepEditing }: Props) {
  const counts = new Map<string, number>();
  for (const instance of current?.instances ?? []) {
    const name = className(classNames, instance.class_id);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return (
    <Modal
      open={current !== null}
      onOpenChange={(open) => {
        if (!open) onKeepEditing();
      }}
      title="Someone else saved this image"
      description="Your changes were not saved: the image changed after you opened it."
    >
      {current !== null && (
        <div className="space-y-4 text-sm" data-testid="annotation-conflict">
          <div className="rounded-md bg-slate-50 p-3">
            <p className="font-medium text-slate-800">Saved now (version {current.version})</p>
            <p className="text-slate-600">
              {current.instances.length} instance{current.instances.length === 1 ? '' : 's'}
              {counts.size > 0 &&
                ` (${[...counts].map(([name, count]) => `${count} ${name}`).join(', ')})`}
              {' · '}
              {current.reviewed ? 'reviewed' : 'not reviewed'}
            </p>
          </div>
          <p className="text-slate-600">
            Reload to continue from the saved state (your unsaved edits are dropped), or keep
            editing and copy what you need before reloading.
          </p>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onKeepEditing}>
              Keep my edits
            </Button>
            <Button onClick={onReload}>Reload the saved state</Button>
          </div>
        </div>
      )}
    </Modal>
  );
}

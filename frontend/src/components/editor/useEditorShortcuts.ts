import { useEffect } from 'react';

import { useEditorStore } from '@/store/editorStore';
import { useEditorViewStore, ZOOM_STEP } from '@/store/editorViewStore';

/** The editor's keys, shown in its help line. */
export const SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: 'V', action: 'select / pan' },
  { keys: 'P', action: 'polygon' },
  { keys: 'B', action: 'brush' },
  { keys: 'E', action: 'erase' },
  { keys: 'S', action: 'split' },
  { keys: 'Enter', action: 'close polygon' },
  { keys: 'Esc', action: 'cancel' },
  { keys: 'Del', action: 'delete instance' },
  { keys: 'Ctrl+Z / Ctrl+Shift+Z', action: 'undo / redo' },
  { keys: '+ / - / 0', action: 'zoom in / out / fit' },
  { keys: '[ / ]', action: 'brush size' },
  { keys: 'Ctrl+S', action: 'save' },
];

function typingInField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/** Editor keyboard shortcuts on the window, ignored while the user types in a field. */
export function useEditorShortcuts(onSave: () => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typingInField(event.target)) return;
      const editor = useEditorStore.getState();
      const view = useEditorViewStore.getState();
      const key = event.key;
      const ctrl = event.ctrlKey || event.metaKey;
      let handled = true;
      if (ctrl && key.toLowerCase() === 'z') {
        if (event.shiftKey) editor.redo();
        else editor.undo();
      } else if (ctrl && key.toLowerCase() === 'y') editor.redo();
      else if (ctrl && key.toLowerCase() === 's') onSave();
      else if (ctrl || event.altKey) handled = false;
      else if (key === 'p' || key === 'P') editor.setTool('polygon');
      else if (key === 'b' || key === 'B') editor.setTool('brush');
      else if (key === 'e' || key === 'E') editor.setTool('erase');
      else if (key === 's' || key === 'S') editor.setTool('split');
      else if (key === 'v' || key === 'V') editor.setTool('select');
      else if (key === 'Enter') editor.closePolygon();
      else if (key === 'Escape') {
        if (editor.draft.length > 0) editor.cancelDraft();
        else editor.select(null);
      } else if (key === 'Delete' || key === 'Backspace') editor.deleteSelected();
      else if (key === '+' || key === '=') view.zoomAt(ZOOM_STEP);
      else if (key === '-' || key === '_') view.zoomAt(1 / ZOOM_STEP);
      else if (key === '0') view.fit();
      else if (key === '[') editor.setBrushRadius(Math.round(editor.brushRadius / 1.25));
      else if (key === ']') editor.setBrushRadius(Math.round(editor.brushRadius * 1.25) + 1);
      else handled = false;
      if (handled) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [onSave]);
}

import type { ReactNode } from 'react';

import { Button } from './Button';

export interface InlineConfirmProps {
  /** The text of the destructive button, e.g. "Delete". */
  label: string;
  /** A short line before the buttons saying what confirming does. */
  message?: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
  /** Disables the destructive button while the action runs. */
  pending?: boolean;
}

/** An in-place "are you sure" for a table row: a danger button and a "Keep" that backs out. */
export function InlineConfirm({
  label,
  message,
  onConfirm,
  onCancel,
  pending,
}: InlineConfirmProps) {
  return (
    <span className="inline-flex items-center gap-1.5">
      {message !== undefined && <span className="text-xs text-slate-600">{message}</span>}
      <Button size="sm" variant="danger" disabled={pending} onClick={onConfirm}>
        {label}
      </Button>
      <Button size="sm" variant="ghost" onClick={onCancel}>
        Keep
      </Button>
    </span>
  );
}

import { useState } from 'react';

import { Button } from '@/components/common/Button';
import { InlineConfirm } from '@/components/common/InlineConfirm';

export interface ConfirmDeleteProps {
  label: string;
  message: string;
  onConfirm: () => void;
  pending?: boolean;
}

/** A ghost delete button that asks in place before doing it. */
export function ConfirmDelete({ label, message, onConfirm, pending }: ConfirmDeleteProps) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button
        size="sm"
        variant="dangerGhost"
        onClick={() => {
          setAsking(true);
        }}
      >
        {label}
      </Button>
    );
  }
  return (
    <InlineConfirm
      label={label}
      message={message}
      pending={pending}
      onConfirm={onConfirm}
      onCancel={() => {
        setAsking(false);
      }}
    />
  );
}

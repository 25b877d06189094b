import type { ReactNode } from 'react';

import { FormField } from '@/components/common/FormField';
import { PASSWORD_MAX_LENGTH } from '@/services/auth.service';

export interface PasswordFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  /** "new-password" unless given: the browser offers to generate and save one. */
  autoComplete?: string;
}

/** A labelled password input capped at the server's maximum length. */
export function PasswordField({
  label,
  value,
  onChange,
  error,
  hint,
  autoComplete = 'new-password',
}: PasswordFieldProps) {
  return (
    <FormField label={label} error={error} hint={hint}>
      {(control) => (
        <input
          {...control}
          type="password"
          autoComplete={autoComplete}
          maxLength={PASSWORD_MAX_LENGTH}
          value={value}
          onChange={(event) => {
            onChange(event.target.value);
          }}
        />
      )}
    </FormField>
  );
}

import { useState, type SubmitEvent } from 'react';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { useChangePassword } from '@/hooks/useAuth';
import { passwordProblem } from '@/services/auth.service';
import { ApiError, errorMessage } from '@/services/errors';

import { PasswordField } from './PasswordField';

interface FieldErrors {
  current?: string;
  next?: string;
  confirm?: string;
}

function validate(current: string, next: string, confirm: string): FieldErrors {
  const errors: FieldErrors = {};
  if (current === '') errors.current = 'Enter your current password.';
  const problem = passwordProblem(next);
  if (problem !== null) errors.next = problem;
  else if (next === current) errors.next = 'Choose a password different from the current one.';
  if (confirm !== next) errors.confirm = 'The two new passwords differ.';
  return errors;
}

function serverMessage(error: unknown): string {
  if (error instanceof ApiError) {
    return error.fieldErrors.new_password ?? error.fieldErrors.current_password ?? error.detail;
  }
  return errorMessage(error);
}

export interface ChangePasswordFormProps {
  onDone?: () => void;
  onCancel?: () => void;
}

/** Current password, new password twice; the server checks the current one. */
export function ChangePasswordForm({ onDone, onCancel }: ChangePasswordFormProps) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useChangePassword();

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validate(current, next, confirm);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    mutation.mutate({ current, next }, { onSuccess: () => onDone?.() });
  };

  return (
    <form className="space-y-4" onSubmit={onSubmit} noValidate aria-label="Change password">
      <PasswordField
        label="Current password"
        autoComplete="current-password"
        error={errors.current}
        value={current}
        onChange={setCurrent}
      />
      <PasswordField
        label="New password"
        error={errors.next}
        hint="At least 10 characters."
        value={next}
        onChange={setNext}
      />
      <PasswordField
        label="Repeat the new password"
        error={errors.confirm}
        value={confirm}
        onChange={setConfirm}
      />
      {mutation.isError && (
        <Callout tone="error" title="The password was not changed">
          {serverMessage(mutation.error)}
        </Callout>
      )}
      {mutation.isSuccess && onDone === undefined && (
        <Callout tone="success">Your password was changed.</Callout>
      )}
      <div className="flex justify-end gap-2">
        {onCancel !== undefined && (
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Changing…' : 'Change password'}
        </Button>
      </div>
    </form>
  );
}

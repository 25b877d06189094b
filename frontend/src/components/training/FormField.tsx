import { useId, type ReactNode } from 'react';

import { INPUT_CLASSES } from '@/components/common/FormField';
import { cn } from '@/utils/cn';

import { rangeHint, type NumberFieldSpec } from './trainingForm';

export { INPUT_CLASSES };

export const INVALID_CLASSES = 'ring-red-400 focus:ring-red-500';

/** The message under a field; announced, and tied to its input by id. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <p id={id} role="alert" className="mt-1 text-xs font-medium text-red-600">
      {message}
    </p>
  );
}

export interface NumberFieldProps {
  spec: NumberFieldSpec;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  placeholder?: string;
}

export function NumberField({ spec, value, error, onChange, placeholder }: NumberFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {spec.label}
      </label>
      <input
        id={id}
        name={spec.name}
        type="number"
        inputMode={spec.integer ? 'numeric' : 'decimal'}
        min={spec.min}
        max={spec.max}
        step={spec.step}
        value={value}
        placeholder={placeholder}
        aria-invalid={error !== undefined}
        aria-describedby={error === undefined ? hintId : `${errorId} ${hintId}`}
        onChange={(event) => {
          onChange(event.target.value);
        }}
        className={cn(INPUT_CLASSES, 'mt-1 tabular-nums', error !== undefined && INVALID_CLASSES)}
      />
      <FieldError id={errorId} message={error} />
      <p id={hintId} className="mt-1 text-xs text-slate-500">
        {spec.help} · <span className="tabular-nums">{rangeHint(spec)}</span>
      </p>
    </div>
  );
}

/** A titled group of fields inside the form. */
export function FieldGroup({
  title,
  description,
  children,
  className,
}: {
  title: string;
  description?: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <fieldset className={cn('min-w-0', className)}>
      <legend className="text-sm font-semibold text-slate-900">{title}</legend>
      {description !== undefined && <p className="mt-0.5 text-xs text-slate-500">{description}</p>}
      <div className="mt-3 grid gap-4 sm:grid-cols-2 xl:grid-cols-3">{children}</div>
    </fieldset>
  );
}

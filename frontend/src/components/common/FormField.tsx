import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

import { cn } from '@/utils/cn';

export const INPUT_CLASSES =
  'block w-full rounded-md border-0 bg-white px-3 py-1.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-sky-600 disabled:bg-slate-50 disabled:text-slate-500';

export interface FieldControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
  className: string;
}

export interface FormFieldProps {
  label: string;
  /** Shown under the control when there is no error. */
  hint?: ReactNode | undefined;
  error?: string | undefined;
  optional?: boolean | undefined;
  className?: string | undefined;
  /** Renders the control with the ids and ARIA attributes that tie it to its label and messages. */
  children: (control: FieldControlProps) => ReactNode;
}

/** A labelled form control with a hint and a per-field error message. */
export function FormField({ label, hint, error, optional, className, children }: FormFieldProps) {
  const id = useId();
  const messageId = `${id}-message`;
  const hasMessage = error !== undefined || hint !== undefined;
  return (
    <div className={className}>
      <label
        htmlFor={id}
        className="flex items-baseline justify-between text-sm font-medium text-slate-700"
      >
        {label}
        {optional === true && <span className="text-xs font-normal text-slate-400">Optional</span>}
      </label>
      <div className="mt-1">
        {children({
          id,
          'aria-invalid': error !== undefined,
          'aria-describedby': hasMessage ? messageId : undefined,
          className: cn(INPUT_CLASSES, error !== undefined && 'ring-red-400 focus:ring-red-500'),
        })}
      </div>
      {error !== undefined ? (
        <p id={messageId} className="mt-1 text-xs text-red-600">
          {error}
        </p>
      ) : (
        hint !== undefined && (
          <p id={messageId} className="mt-1 text-xs text-slate-500">
            {hint}
          </p>
        )
      )}
    </div>
  );
}

export interface InputFieldProps
  extends
    Omit<FormFieldProps, 'children'>,
    Omit<InputHTMLAttributes<HTMLInputElement>, 'className' | 'id' | 'value' | 'onChange'> {
  value: string;
  onChange: (value: string) => void;
}

/** A FormField holding one text-valued input (text, date, number kept as text). */
export function InputField({
  label,
  hint,
  error,
  optional,
  className,
  value,
  onChange,
  ...input
}: InputFieldProps) {
  return (
    <FormField label={label} hint={hint} error={error} optional={optional} className={className}>
      {(control) => (
        <input
          {...input}
          {...control}
          value={value}
          onChange={(e) => {
            onChange(e.target.value);
          }}
        />
      )}
    </FormField>
  );
}

import { useId, type KeyboardEvent, type ReactNode } from 'react';

import { cn } from '@/utils/cn';

export interface TabItem<Value extends string> {
  value: Value;
  label: ReactNode;
}

export interface TabsProps<Value extends string> {
  label: string;
  items: readonly TabItem<Value>[];
  value: Value;
  onChange: (value: Value) => void;
  children: ReactNode;
  className?: string;
}

/** Accessible tabs (WAI-ARIA tab pattern: arrow keys move between tabs); renders the active panel. */
export function Tabs<Value extends string>({
  label,
  items,
  value,
  onChange,
  children,
  className,
}: TabsProps<Value>) {
  const baseId = useId();
  const tabId = (item: Value) => `${baseId}-tab-${item}`;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = items.findIndex((item) => item.value === value);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0 || index === -1) return;
    event.preventDefault();
    const next = items[(index + step + items.length) % items.length];
    if (next === undefined) return;
    onChange(next.value);
    document.getElementById(tabId(next.value))?.focus();
  };

  return (
    <div className={className}>
      <div
        role="tablist"
        aria-label={label}
        onKeyDown={onKeyDown}
        className="flex gap-1 rounded-lg bg-slate-100 p-1"
      >
        {items.map((item) => {
          const selected = item.value === value;
          return (
            <button
              key={item.value}
              id={tabId(item.value)}
              type="button"
              role="tab"
              aria-selected={selected}
              aria-controls={`${baseId}-panel`}
              tabIndex={selected ? 0 : -1}
              onClick={() => {
                onChange(item.value);
              }}
              className={cn(
                'flex flex-1 items-center justify-center gap-2 rounded-md px-3 py-1.5 text-sm font-medium transition-colors',
                'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-600',
                selected
                  ? 'bg-white text-slate-900 shadow-sm'
                  : 'text-slate-600 hover:text-slate-900',
              )}
            >
              {item.label}
            </button>
          );
        })}
      </div>
      <div id={`${baseId}-panel`} role="tabpanel" aria-labelledby={tabId(value)} className="mt-4">
        {children}
      </div>
    </div>
  );
}

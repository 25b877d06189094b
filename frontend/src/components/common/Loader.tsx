import { LoaderCircle } from 'lucide-react';

import { cn } from '@/utils/cn';

export interface LoaderProps {
  label?: string;
  className?: string;
}

export function Loader({ label = 'Loading…', className }: LoaderProps) {
  return (
    <div role="status" className={cn('flex items-center gap-2 text-sm text-slate-500', className)}>
      <LoaderCircle className="size-4 animate-spin" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

import * as ToastPrimitive from '@radix-ui/react-toast';
import { CircleAlert, CircleCheck, Info, TriangleAlert, X, type LucideIcon } from 'lucide-react';

import { useUiStore, type Toast, type ToastVariant } from '@/store/uiStore';
import { cn } from '@/utils/cn';

const VARIANT_STYLES: Record<ToastVariant, { icon: LucideIcon; iconClass: string }> = {
  info: { icon: Info, iconClass: 'text-sky-500' },
  success: { icon: CircleCheck, iconClass: 'text-emerald-500' },
  warning: { icon: TriangleAlert, iconClass: 'text-amber-500' },
  error: { icon: CircleAlert, iconClass: 'text-red-500' },
};

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: string) => void }) {
  const { icon: Icon, iconClass } = VARIANT_STYLES[toast.variant];
  return (
    <ToastPrimitive.Root
      duration={toast.durationMs}
      type={toast.variant === 'error' ? 'foreground' : 'background'}
      onOpenChange={(open) => {
        if (!open) onDismiss(toast.id);
      }}
      data-variant={toast.variant}
      className={cn(
        'pointer-events-auto flex w-full items-start gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-lg',
        'data-[swipe=move]:translate-x-(--radix-toast-swipe-move-x)',
      )}
    >
      <Icon className={cn('mt-0.5 size-5 shrink-0', iconClass)} aria-hidden="true" />
      <div className="min-w-0 flex-1">
        <ToastPrimitive.Title className="text-sm font-semibold text-slate-900">
          {toast.title}
        </ToastPrimitive.Title>
        {toast.description !== undefined && (
          <ToastPrimitive.Description className="mt-1 text-sm break-words text-slate-600">
            {toast.description}
          </ToastPrimitive.Description>
        )}
      </div>
      <ToastPrimitive.Close
        aria-label="Dismiss notification"
        className="rounded p-0.5 text-slate-400 hover:bg-slate-100 hover:text-slate-600"
      >
        <X className="size-4" aria-hidden="true" />
      </ToastPrimitive.Close>
    </ToastPrimitive.Root>
  );
}

/** Renders the toasts queued in the UI store (push them with `showToast` or `pushToast`). */
export function Toaster() {
  const toasts = useUiStore((state) => state.toasts);
  const dismissToast = useUiStore((state) => state.dismissToast);
  return (
    <ToastPrimitive.Provider swipeDirection="right" label="Notifications">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} onDismiss={dismissToast} />
      ))}
      <ToastPrimitive.Viewport className="fixed right-0 bottom-0 z-50 flex w-full max-w-sm flex-col gap-2 p-4 outline-none" />
    </ToastPrimitive.Provider>
  );
}

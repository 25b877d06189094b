import type { ReactNode } from 'react';

/** The full-page frame of the login and first-password screens (no sidebar, no header). */
export function AuthScreen({
  title,
  description,
  children,
  testId,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <main
      data-testid={testId}
      className="flex min-h-screen items-center justify-center bg-slate-100 px-4 py-12"
    >
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-3">
          <svg viewBox="0 0 32 32" className="size-9" aria-hidden="true">
            <rect width="32" height="32" rx="7" className="fill-slate-900" />
            <path
              d="M9 5 L14 13 L11 17 L17 23 L15 27 M14 13 L21 11 L24 6"
              fill="none"
              className="stroke-sky-400"
              strokeWidth="2.25"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
          <p className="text-lg font-semibold text-slate-900">CrackDet</p>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-lg font-semibold text-slate-900">{title}</h1>
          {description !== undefined && (
            <div className="mt-1 text-sm text-slate-500">{description}</div>
          )}
          <div className="mt-5">{children}</div>
        </div>
      </div>
    </main>
  );
}

import { TriangleAlert } from 'lucide-react';
import { isRouteErrorResponse, useRouteError } from 'react-router-dom';

function describe(error: unknown): string {
  if (isRouteErrorResponse(error)) return `${error.status} ${error.statusText}`;
  if (error instanceof Error) return error.message;
  return 'Unknown error';
}

/** Last-resort page when the layout itself fails to render. */
export default function RouteErrorPage() {
  const error = useRouteError();
  return (
    <div
      role="alert"
      data-testid="page-route-error"
      className="flex min-h-screen items-center justify-center bg-slate-50 p-6"
    >
      <div className="max-w-md rounded-xl border border-red-200 bg-white p-8 text-center shadow-sm">
        <TriangleAlert className="mx-auto size-8 text-red-500" aria-hidden="true" />
        <h1 className="mt-4 text-lg font-semibold text-slate-900">The app failed to load</h1>
        <p className="mt-2 text-sm break-words text-slate-600">{describe(error)}</p>
        <a
          href="/"
          className="mt-6 inline-block text-sm font-medium text-sky-700 hover:text-sky-600"
        >
          Reload the dashboard
        </a>
      </div>
    </div>
  );
}

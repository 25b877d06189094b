import { Activity, Server } from 'lucide-react';

import { Card } from '@/components/common/Card';
import { EmptyState } from '@/components/common/EmptyState';
import { Loader } from '@/components/common/Loader';
import { PageHeader } from '@/components/common/PageHeader';
import { backendStatusOf, useHealth } from '@/hooks/useSystem';
import { errorMessage } from '@/services/errors';

function SystemStatusCard() {
  const health = useHealth();
  const status = backendStatusOf(health);
  return (
    <Card title="System" description="Live from the backend health check.">
      {status === 'checking' && <Loader label="Checking the backend…" />}
      {health.isError && (
        <p className="text-sm text-red-700">Backend unreachable: {errorMessage(health.error)}</p>
      )}
      {health.data && !health.isError && (
        <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="flex items-center gap-2 text-slate-500">
            <Server className="size-4" aria-hidden="true" />
            Backend
          </dt>
          <dd className="font-medium text-slate-900 capitalize">{health.data.status}</dd>
          <dt className="text-slate-500 pl-6">Database</dt>
          <dd className="text-slate-900">
            {health.data.database.ok ? 'Connected' : 'Not available'}
            {health.data.database.detail ? ` (${health.data.database.detail})` : ''}
          </dd>
          <dt className="text-slate-500 pl-6">Version</dt>
          <dd className="font-mono text-slate-900">{health.data.version}</dd>
        </dl>
      )}
    </Card>
  );
}

export default function DashboardPage() {
  return (
    <section data-testid="page-dashboard">
      <PageHeader
        title="Dashboard"
        description="Overview of training runs, models and system health."
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="lg:col-span-1">
          <SystemStatusCard />
        </div>
        <div className="lg:col-span-2">
          <EmptyState
            icon={Activity}
            title="No training activity yet"
            description="Recent training runs, their loss curves and the best model metrics will be summarised here once you have trained a model."
            badge="Training is not available yet"
          />
        </div>
      </div>
    </section>
  );
}

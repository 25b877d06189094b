import {
  Activity,
  CircleAlert,
  CircleCheck,
  Cpu,
  Database,
  Info,
  Layers,
  ListChecks,
  TriangleAlert,
  type LucideIcon,
} from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';

import { GPUMetricChart } from '@/components/charts/GPUMetricChart';
import {
  GPU_METRICS,
  HOST_METRICS,
  METRICS,
  type ChartMetric,
} from '@/components/charts/GPUMetricChart/series';
import { Card } from '@/components/common/Card';
import { Loader } from '@/components/common/Loader';
import { PageHeader } from '@/components/common/PageHeader';
import { Table, type Column } from '@/components/common/Table';
import { GPUMonitor } from '@/components/gpu/GPUMonitor';
import {
  useDashboardSummary,
  useGpuMetrics,
  useSystemStatus,
  useThresholds,
  useTrainingHistory,
} from '@/hooks/useMonitoring';
import { backendStatusOf, useHealth } from '@/hooks/useSystem';
import { errorMessage } from '@/services/errors';
import type {
  DashboardSummary,
  SystemIssue,
  SystemStatus,
  TrainingHistoryItem,
} from '@/services/monitoring.service';
import { mergeHistory, useGpuStore } from '@/store/gpuStore';
import { cn } from '@/utils/cn';

function SummaryCard({
  icon: Icon,
  label,
  value,
  detail,
  testId,
}: {
  icon: LucideIcon;
  label: string;
  value: string;
  detail?: string;
  testId: string;
}) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid={testId}>
      <p className="flex items-center gap-1.5 text-xs font-medium text-slate-500">
        <Icon className="size-3.5" aria-hidden="true" />
        {label}
      </p>
      <p className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums">{value}</p>
      {detail !== undefined && <p className="mt-0.5 truncate text-xs text-slate-500">{detail}</p>}
    </div>
  );
}

function gpuSummaryText(gpu: DashboardSummary['gpu']): { value: string; detail: string } {
  if (!gpu.available) return { value: 'CPU only', detail: 'No NVIDIA GPU found' };
  return {
    value: `${gpu.count} GPU${gpu.count === 1 ? '' : 's'}`,
    detail: gpu.status === 'ok' ? gpu.names.join(', ') : `status: ${gpu.status}`,
  };
}

function SummaryCards() {
  const summary = useDashboardSummary();
  if (summary.isPending) return <Loader label="Loading the summary…" />;
  if (summary.isError) {
    return (
      <p role="alert" className="text-sm text-red-700">
        Could not load the summary: {errorMessage(summary.error)}
      </p>
    );
  }
  const { trainings, datasets, models, gpu } = summary.data;
  const gpuText = gpuSummaryText(gpu);
  return (
    <div className="grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-6">
      <SummaryCard
        icon={Activity}
        label="Active trainings"
        value={String(trainings.active)}
        detail={`${trainings.queued} queued`}
        testId="summary-active"
      />
      <SummaryCard
        icon={CircleCheck}
        label="Completed"
        value={String(trainings.completed)}
        detail={`${trainings.total} runs in all`}
        testId="summary-completed"
      />
      <SummaryCard
        icon={CircleAlert}
        label="Failed"
        value={String(trainings.failed)}
        testId="summary-failed"
      />
      <SummaryCard
        icon={Database}
        label="Datasets"
        value={String(datasets)}
        testId="summary-datasets"
      />
      <SummaryCard icon={Layers} label="Models" value={String(models)} testId="summary-models" />
      <SummaryCard
        icon={Cpu}
        label="GPU"
        value={gpuText.value}
        detail={gpuText.detail}
        testId="summary-gpu"
      />
    </div>
  );
}

const STATUS_STYLE: Record<SystemStatus['status'], string> = {
  ok: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  warning: 'bg-amber-50 text-amber-700 ring-amber-600/20',
  critical: 'bg-red-50 text-red-700 ring-red-600/20',
};

const ISSUE_ICON: Record<SystemIssue['level'], { icon: LucideIcon; className: string }> = {
  info: { icon: Info, className: 'text-sky-500' },
  warning: { icon: TriangleAlert, className: 'text-amber-500' },
  critical: { icon: CircleAlert, className: 'text-red-500' },
};

function BackendLine() {
  const health = useHealth();
  const status = backendStatusOf(health);
  if (health.isError) {
    return (
      <p className="text-xs text-red-700">Backend unreachable: {errorMessage(health.error)}</p>
    );
  }
  if (!health.data) return <p className="text-xs text-slate-500">Backend: {status}…</p>;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-xs">
      <dt className="text-slate-500">Backend</dt>
      <dd className="text-slate-900 capitalize">{health.data.status}</dd>
      <dt className="text-slate-500">Database</dt>
      <dd className="text-slate-900">
        {health.data.database.ok ? 'Connected' : 'Not available'}
        {health.data.database.detail ? ` (${health.data.database.detail})` : ''}
      </dd>
      <dt className="text-slate-500">Version</dt>
      <dd className="font-mono text-slate-900">{health.data.version}</dd>
    </dl>
  );
}

function SystemStatusCard() {
  const status = useSystemStatus();
  return (
    <Card
      title="System status"
      actions={
        status.data && (
          <span
            data-testid="system-status"
            className={cn(
              'rounded-full px-2.5 py-0.5 text-xs font-semibold uppercase ring-1 ring-inset',
              STATUS_STYLE[status.data.status],
            )}
          >
            {status.data.status}
          </span>
        )
      }
    >
      {status.isPending && <Loader label="Checking…" />}
      {status.isError && <p className="text-sm text-red-700">{errorMessage(status.error)}</p>}
      {status.data && (
        <ul className="mb-4 space-y-2" aria-label="System issues">
          {status.data.issues.length === 0 && (
            <li className="text-sm text-slate-600">Everything is within its thresholds.</li>
          )}
          {status.data.issues.map((issue) => {
            const { icon: Icon, className } = ISSUE_ICON[issue.level];
            return (
              <li key={`${issue.source}:${issue.message}`} className="flex gap-2 text-sm">
                <Icon className={cn('mt-0.5 size-4 shrink-0', className)} aria-hidden="true" />
                <span className="text-slate-800">{issue.message}</span>
              </li>
            );
          })}
        </ul>
      )}
      <BackendLine />
    </Card>
  );
}

function formatMetric(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(3);
}

const RECENT_COLUMNS: Column<TrainingHistoryItem>[] = [
  {
    key: 'run',
    header: 'Run',
    className: 'max-w-0',
    cell: (run) => (
      <>
        <p className="truncate font-medium text-slate-900">{run.name}</p>
        <p className="truncate text-xs text-slate-500">
          {run.model_arch} · epoch {run.current_epoch}/{run.total_epochs}
        </p>
      </>
    ),
  },
  {
    key: 'status',
    header: 'Status',
    className: 'text-xs text-slate-700 capitalize',
    cell: (run) => run.status,
  },
  {
    key: 'best',
    header: 'Best',
    align: 'right',
    className: 'font-mono text-xs text-slate-900',
    cell: (run) => formatMetric(run.best_metric),
  },
];

function RecentTrainings() {
  const history = useTrainingHistory(5);
  return (
    <Card
      title="Recent trainings"
      actions={
        <Link to="/training/history" className="text-xs font-medium text-sky-700 hover:underline">
          All runs
        </Link>
      }
    >
      {history.isPending && <Loader label="Loading…" />}
      {history.isError && <p className="text-sm text-red-700">{errorMessage(history.error)}</p>}
      {history.data && (
        <Table
          testId="recent-trainings"
          label="Recent trainings"
          variant="compact"
          className="[&_thead]:border-0"
          columns={RECENT_COLUMNS}
          rows={history.data}
          rowKey={(run) => run.id}
          empty={
            <p className="text-sm text-slate-500">
              No training runs yet. Start one under Training.
            </p>
          }
        />
      )}
    </Card>
  );
}

const RANGES = [
  { minutes: 10, label: 'Live · 10 min' },
  { minutes: 60, label: '1 hour' },
  { minutes: 24 * 60, label: '24 hours' },
  { minutes: 7 * 24 * 60, label: '7 days' },
] as const;

function SegmentedButtons<Value extends string | number>({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: readonly { value: Value; label: string }[];
  value: Value;
  onChange: (value: Value) => void;
}) {
  return (
    <div role="group" aria-label={label} className="flex flex-wrap gap-1">
      {options.map((option) => (
        <button
          key={String(option.value)}
          type="button"
          aria-pressed={option.value === value}
          onClick={() => {
            onChange(option.value);
          }}
          className={cn(
            'rounded-md px-2.5 py-1 text-xs font-medium',
            option.value === value
              ? 'bg-slate-900 text-white'
              : 'bg-slate-100 text-slate-600 hover:bg-slate-200',
          )}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}

function HistoryCard({ hasGpu }: { hasGpu: boolean }) {
  const [minutes, setMinutes] = useState<number>(10);
  const [chosen, setChosen] = useState<ChartMetric | null>(null);
  const live = useGpuStore((state) => state.live);
  const metrics = useGpuMetrics(minutes);
  const available: ChartMetric[] = hasGpu ? [...GPU_METRICS, ...HOST_METRICS] : [...HOST_METRICS];
  const metric = chosen !== null && available.includes(chosen) ? chosen : (available[0] ?? 'cpu');
  const fetched = metrics.data?.history ?? [];
  const points = minutes <= 10 ? mergeHistory(fetched, live) : fetched;
  const resolution =
    metrics.data?.source === 'downsampled' ? 'one-minute averages' : 'every sample';
  return (
    <Card title="History" description={`GPU and host readings over time (${resolution}).`}>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <SegmentedButtons
          label="Metric"
          value={metric}
          onChange={setChosen}
          options={available.map((key) => ({ value: key, label: METRICS[key].label }))}
        />
        <SegmentedButtons
          label="Time range"
          value={minutes}
          onChange={setMinutes}
          options={RANGES.map((range) => ({ value: range.minutes, label: range.label }))}
        />
      </div>
      {metrics.isError && (
        <p className="mb-2 text-sm text-red-700">
          Stored history not available: {errorMessage(metrics.error)}
        </p>
      )}
      <GPUMetricChart points={points} metric={metric} />
    </Card>
  );
}

function LiveCard() {
  const sample = useGpuStore((state) => state.sample);
  const thresholds = useThresholds();
  return (
    <Card
      title={sample && !sample.gpu_available ? 'CPU, RAM and disk' : 'GPUs'}
      description="Live, from the shared sampler."
    >
      <GPUMonitor sample={sample} thresholds={thresholds} />
    </Card>
  );
}

export default function DashboardPage() {
  const sample = useGpuStore((state) => state.sample);
  return (
    <section data-testid="page-dashboard" className="space-y-6">
      <PageHeader
        title="Dashboard"
        description="Overview of training runs, models and system health."
        actions={
          <Link
            to="/settings#monitoring"
            className="inline-flex items-center gap-1 text-xs font-medium text-sky-700 hover:underline"
          >
            <ListChecks className="size-3.5" aria-hidden="true" />
            Thresholds
          </Link>
        }
      />
      <SummaryCards />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <LiveCard />
          <HistoryCard hasGpu={sample?.gpu_available ?? false} />
        </div>
        <div className="space-y-6">
          <SystemStatusCard />
          <RecentTrainings />
        </div>
      </div>
    </section>
  );
}

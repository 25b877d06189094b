import { RefreshCw } from 'lucide-react';
import { useEffect } from 'react';
import { useLocation } from 'react-router-dom';

import { ApiTokensPanel } from '@/components/auth/ApiTokensPanel';
import { UsersPanel } from '@/components/auth/UsersPanel';
import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { Card } from '@/components/common/Card';
import { MonitoringSettingsForm } from '@/components/gpu/MonitoringSettingsForm';
import { Loader } from '@/components/common/Loader';
import { PageHeader } from '@/components/common/PageHeader';
import { Table, type Column } from '@/components/common/Table';
import { useSession } from '@/hooks/useAuth';
import { useSystemInfo } from '@/hooks/useSystem';
import { useFamilies } from '@/hooks/useTraining';
import type { Family } from '@/components/training/families';
import { errorMessage } from '@/services/errors';
import type { PackageVersions, SystemInfo } from '@/services/system.service';

/** Libraries that belong to no model family (the families name their own, with their version). */
const LIBRARY_LABELS: Record<string, string> = {
  torch: 'PyTorch',
  torchvision: 'torchvision',
  onnxruntime: 'ONNX Runtime',
  roboflow: 'Roboflow',
};

interface PackageRow {
  key: string;
  label: string;
  version: string | null | undefined;
}

/** The libraries, then one row per model family (its label and installed version). */
function packageRows(
  packages: PackageVersions,
  families: readonly Family[] | undefined,
): PackageRow[] {
  const familyNames = new Set((families ?? []).map((family) => family.name));
  const libraries = Object.entries(packages)
    .filter(([name]) => !familyNames.has(name))
    .map(([name, version]) => ({ key: name, label: LIBRARY_LABELS[name] ?? name, version }));
  const own = (families ?? []).map((family) => ({
    key: `family-${family.name}`,
    label: family.label,
    version: family.version,
  }));
  return [...libraries, ...own];
}

function SystemInfoList({ info }: { info: SystemInfo }) {
  const rows: [string, string][] = [
    ['App version', info.app_version],
    ['Python', info.python_version],
    ['Platform', info.platform],
    ['Database backend', info.database_backend],
    ['Data directory', info.data_dir],
  ];
  return (
    <dl className="divide-y divide-slate-100 text-sm">
      {rows.map(([label, value]) => (
        <div key={label} className="grid grid-cols-3 gap-4 py-2.5">
          <dt className="text-slate-500">{label}</dt>
          <dd className="col-span-2 font-mono break-all text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

const PACKAGE_COLUMNS: Column<PackageRow>[] = [
  { key: 'package', header: 'Package', className: 'text-slate-700', cell: (row) => row.label },
  {
    key: 'version',
    header: 'Version',
    cell: (row) =>
      row.version ? (
        <span className="font-mono text-slate-900">{row.version}</span>
      ) : (
        <span className="text-slate-400">not installed</span>
      ),
  },
];

function PackageTable({ packages }: { packages: PackageVersions }) {
  const families = useFamilies();
  return (
    <Table
      label="Installed packages"
      columns={PACKAGE_COLUMNS}
      rows={packageRows(packages, families)}
      rowKey={(row) => row.key}
    />
  );
}

/**
 * Links such as /settings#api-tokens land on their section; again whenever `layout` changes, since
 * the sections above move it as their data arrives.
 */
function useScrollToHash(layout: string) {
  const { hash } = useLocation();
  useEffect(() => {
    if (hash === '') return;
    document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView({ block: 'start' });
  }, [hash, layout]);
}

export default function SettingsPage() {
  const info = useSystemInfo();
  const session = useSession();
  useScrollToHash(`${info.status}-${String(session.authEnabled)}`);
  return (
    <section data-testid="page-settings">
      <PageHeader
        title="Settings"
        description="System information, GPU monitoring, accounts and API tokens. Other settings come from CRACKDET_* environment variables."
      />
      {info.isPending && <Loader label="Loading system information…" />}
      {info.isError && (
        <div role="alert" className="rounded-xl border border-red-200 bg-red-50 p-5 text-sm">
          <p className="font-semibold text-red-800">Could not load system information</p>
          <p className="mt-1 text-red-700">{errorMessage(info.error)}</p>
          <Button
            variant="secondary"
            size="sm"
            className="mt-4"
            onClick={() => void info.refetch()}
          >
            <RefreshCw className="size-4" aria-hidden="true" />
            Retry
          </Button>
        </div>
      )}
      {info.data && (
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="System" description="Reported by the backend.">
            <SystemInfoList info={info.data} />
          </Card>
          <Card
            title="Machine learning packages"
            description="Installed in the backend environment."
          >
            <PackageTable packages={info.data.packages} />
          </Card>
        </div>
      )}
      <Card
        id="monitoring"
        className="mt-6"
        title="GPU monitoring"
        description="Warning and critical thresholds raise notifications (once, until the reading recovers); the interval is how often GPUs and host are sampled."
      >
        {!session.canAdminister && (
          <Callout tone="info" className="mb-4">
            Only admins can change these settings.
          </Callout>
        )}
        <MonitoringSettingsForm />
      </Card>
      {(!session.authEnabled || session.canAdminister) && (
        <Card
          id="users"
          className="mt-6"
          title="Users"
          description="Accounts that may sign in, and what each may do."
        >
          <UsersPanel />
        </Card>
      )}
      <Card
        id="api-tokens"
        className="mt-6"
        title="API tokens"
        description="Tokens let scripts and tools (curl, Prometheus) call the API as you."
      >
        <ApiTokensPanel />
      </Card>
    </section>
  );
}

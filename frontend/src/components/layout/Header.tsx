import { PanelLeftClose, PanelLeftOpen } from 'lucide-react';

import { UserMenu } from '@/components/auth/UserMenu';
import { Button } from '@/components/common/Button';
import { HeaderGpuStatus } from '@/components/gpu/HeaderGpuStatus';
import { MonitoringStreams } from '@/components/gpu/MonitoringStreams';
import { NotificationBell } from '@/components/notifications/NotificationBell';
import { useSystemInfo } from '@/hooks/useSystem';
import { useUiStore } from '@/store/uiStore';

import { BackendStatus } from './BackendStatus';

export function Header() {
  const collapsed = useUiStore((state) => state.sidebarCollapsed);
  const toggleSidebar = useUiStore((state) => state.toggleSidebar);
  const info = useSystemInfo();
  const ToggleIcon = collapsed ? PanelLeftOpen : PanelLeftClose;

  return (
    <header className="flex h-16 shrink-0 items-center justify-between gap-4 border-b border-slate-200 bg-white px-4 sm:px-6">
      <Button
        variant="ghost"
        size="sm"
        onClick={toggleSidebar}
        aria-label={collapsed ? 'Expand sidebar' : 'Collapse sidebar'}
        aria-pressed={collapsed}
      >
        <ToggleIcon className="size-5" aria-hidden="true" />
      </Button>
      <MonitoringStreams />
      <div className="flex items-center gap-3">
        <HeaderGpuStatus />
        <BackendStatus />
        {info.data && (
          <span
            className="rounded-md bg-slate-100 px-2 py-1 font-mono text-xs text-slate-600"
            data-testid="app-version"
            title="App version"
          >
            v{info.data.app_version}
          </span>
        )}
        <NotificationBell />
        <UserMenu />
      </div>
    </header>
  );
}

import * as Tooltip from '@radix-ui/react-tooltip';
import { NavLink } from 'react-router-dom';

import { useUiStore } from '@/store/uiStore';
import { cn } from '@/utils/cn';

import { NAV_ITEMS, type NavItem } from './navigation';

function BrandMark() {
  return (
    <svg viewBox="0 0 32 32" className="size-8 shrink-0" aria-hidden="true">
      <rect width="32" height="32" rx="7" className="fill-sky-500/15" />
      <path
        d="M9 5 L14 13 L11 17 L17 23 L15 27 M14 13 L21 11 L24 6"
        fill="none"
        className="stroke-sky-400"
        strokeWidth="2.25"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

function SidebarLink({ item, collapsed }: { item: NavItem; collapsed: boolean }) {
  const { icon: Icon } = item;
  const link = (
    <NavLink
      to={item.to}
      end={item.end ?? false}
      aria-label={collapsed ? item.label : undefined}
      className={({ isActive }) =>
        cn(
          'group flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors',
          'focus-visible:outline-2 focus-visible:outline-sky-400',
          isActive
            ? 'bg-slate-800 text-white shadow-inner'
            : 'text-slate-400 hover:bg-slate-800/60 hover:text-white',
          collapsed && 'justify-center px-0',
        )
      }
    >
      {({ isActive }) => (
        <>
          <Icon
            className={cn(
              'size-5 shrink-0',
              isActive ? 'text-sky-400' : 'text-slate-500 group-hover:text-slate-300',
            )}
            aria-hidden="true"
          />
          {!collapsed && <span>{item.label}</span>}
        </>
      )}
    </NavLink>
  );
  if (!collapsed) return link;
  return (
    <Tooltip.Root>
      <Tooltip.Trigger asChild>{link}</Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content
          side="right"
          sideOffset={8}
          className="z-50 rounded-md bg-slate-900 px-2 py-1 text-xs font-medium text-white shadow-lg"
        >
          {item.label}
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}

export function Sidebar() {
  const collapsed = useUiStore((state) => state.sidebarCollapsed);
  return (
    <aside
      className={cn(
        'flex shrink-0 flex-col bg-slate-900 transition-[width] duration-200',
        collapsed ? 'w-16' : 'w-60',
      )}
    >
      <div
        className={cn(
          'flex h-16 items-center gap-3 border-b border-slate-800 px-4',
          collapsed && 'justify-center px-0',
        )}
      >
        <BrandMark />
        {!collapsed && (
          <div className="leading-tight">
            <p className="text-sm font-semibold text-white">CrackDet</p>
            <p className="text-xs text-slate-400">Crack detection training</p>
          </div>
        )}
      </div>
      <nav aria-label="Main" className="flex-1 overflow-y-auto p-3">
        <ul className="space-y-1">
          {NAV_ITEMS.map((item) => (
            <li key={item.to}>
              <SidebarLink item={item} collapsed={collapsed} />
            </li>
          ))}
        </ul>
      </nav>
    </aside>
  );
}

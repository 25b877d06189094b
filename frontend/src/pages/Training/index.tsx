import { useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router-dom';

import { PageHeader } from '@/components/common/PageHeader';
import { cn } from '@/utils/cn';

const TABS = [
  { to: 'new', label: 'New run', also: null },
  { to: 'active', label: 'Active', also: null },
  // A run opened from the history (/training/sessions/:id) belongs to the History tab.
  { to: 'history', label: 'History', also: '/training/sessions/' },
] as const;

export default function TrainingPage() {
  const { pathname } = useLocation();
  const section = useRef<HTMLElement>(null);
  // A new tab or run starts at the top (the layout's scroll area keeps its offset otherwise).
  useEffect(() => {
    const scroller = section.current?.closest('main');
    if (scroller) scroller.scrollTop = 0;
  }, [pathname]);
  return (
    <section ref={section} data-testid="page-training">
      <PageHeader
        title="Training"
        description="Train crack segmentation models (YOLOv8, YOLOv9, YOLO11 and YOLO26 segmentation) on your datasets."
      />
      <nav aria-label="Training sections" className="mb-6 border-b border-slate-200">
        <ul className="-mb-px flex gap-6">
          {TABS.map((tab) => (
            <li key={tab.to}>
              <NavLink
                to={tab.to}
                className={({ isActive }) =>
                  cn(
                    'inline-block border-b-2 px-1 pb-3 text-sm font-medium transition-colors',
                    isActive || (tab.also !== null && pathname.startsWith(tab.also))
                      ? 'border-sky-500 text-sky-700'
                      : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700',
                  )
                }
              >
                {tab.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </section>
  );
}

import { NavLink, Outlet } from 'react-router-dom';

import { PageHeader } from '@/components/common/PageHeader';
import { cn } from '@/utils/cn';

const TABS = [
  { to: 'new', label: 'New run' },
  { to: 'active', label: 'Active' },
  { to: 'history', label: 'History' },
] as const;

export default function TrainingPage() {
  return (
    <section data-testid="page-training">
      <PageHeader
        title="Training"
        description="Train crack segmentation models (YOLOv8-seg, YOLOv9-seg, RF-DETR) on your datasets."
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
                    isActive
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

import {
  BrainCircuit,
  Boxes,
  ClipboardCheck,
  Database,
  LayoutDashboard,
  ScanSearch,
  Settings,
  type LucideIcon,
} from 'lucide-react';

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  /** Match the path exactly (only the dashboard at "/"). */
  end?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', label: 'Dashboard', icon: LayoutDashboard, end: true },
  { to: '/training', label: 'Training', icon: BrainCircuit },
  { to: '/prediction', label: 'Prediction', icon: ScanSearch },
  { to: '/inspections', label: 'Inspections', icon: ClipboardCheck },
  { to: '/datasets', label: 'Datasets', icon: Database },
  { to: '/models', label: 'Models', icon: Boxes },
  { to: '/settings', label: 'Settings', icon: Settings },
];

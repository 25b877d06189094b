import { Activity } from 'lucide-react';

import { EmptyState } from '@/components/common/EmptyState';

export default function ActiveTrainingPage() {
  return (
    <div data-testid="page-training-active">
      <h2 className="sr-only">Active training</h2>
      <EmptyState
        icon={Activity}
        title="No active training run"
        description="A running job will show its live loss curves, metrics per epoch and checkpoints here."
        badge="Training is not available yet"
      />
    </div>
  );
}

import { History } from 'lucide-react';

import { EmptyState } from '@/components/common/EmptyState';

export default function TrainingHistoryPage() {
  return (
    <div data-testid="page-training-history">
      <h2 className="sr-only">Training history</h2>
      <EmptyState
        icon={History}
        title="No training runs yet"
        description="Finished, stopped and failed runs will be listed here with their final metrics."
        badge="Training is not available yet"
      />
    </div>
  );
}

import { Rocket } from 'lucide-react';

import { EmptyState } from '@/components/common/EmptyState';

export default function NewTrainingPage() {
  return (
    <div data-testid="page-training-new">
      <h2 className="sr-only">New training run</h2>
      <EmptyState
        icon={Rocket}
        title="Starting a training run is not available yet"
        description="Here you will choose a dataset and a model architecture, set the hyperparameters and start a run."
        badge="Not available yet"
      />
    </div>
  );
}

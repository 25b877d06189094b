import { Cloud, FileArchive } from 'lucide-react';
import { useState } from 'react';

import { Modal } from '@/components/common/Modal';
import type { Dataset, StartedDataset } from '@/services/datasets.service';
import { showToast } from '@/store/uiStore';

import { RoboflowImportForm } from './RoboflowImportForm';
import { Tabs, type TabItem } from './Tabs';
import { ZipUploadPanel } from './ZipUploadPanel';

export type ImportTab = 'upload' | 'roboflow';

const TAB_ITEMS: readonly TabItem<ImportTab>[] = [
  {
    value: 'upload',
    label: (
      <>
        <FileArchive className="size-4" aria-hidden="true" />
        Upload a zip
      </>
    ),
  },
  {
    value: 'roboflow',
    label: (
      <>
        <Cloud className="size-4" aria-hidden="true" />
        From Roboflow
      </>
    ),
  },
];

export interface ImportDatasetDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Called when a zip was accepted; its extraction and validation continue in the background. */
  onUploaded: (dataset: Dataset) => void;
}

export function ImportDatasetDialog({ open, onOpenChange, onUploaded }: ImportDatasetDialogProps) {
  const [tab, setTab] = useState<ImportTab>('upload');
  const close = () => {
    onOpenChange(false);
  };

  const handleUploaded = (dataset: Dataset) => {
    showToast({
      title: 'Upload received',
      description: `“${dataset.name}” is being extracted and validated.`,
      variant: 'success',
    });
    onUploaded(dataset);
    close();
  };

  const handleImported = ({ dataset, started }: StartedDataset) => {
    showToast(
      started
        ? {
            title: 'Import started',
            description: `“${dataset.name}” is being downloaded from Roboflow.`,
            variant: 'success',
          }
        : {
            title: 'Already imported',
            description: `This Roboflow version is already the dataset “${dataset.name}”.`,
            variant: 'info',
          },
    );
    close();
  };

  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title="Import a dataset"
      description="Bring in a crack segmentation dataset; it is checked and validated after import."
    >
      {open && (
        <Tabs label="Import source" items={TAB_ITEMS} value={tab} onChange={setTab}>
          {tab === 'upload' ? (
            <ZipUploadPanel onUploaded={handleUploaded} />
          ) : (
            <RoboflowImportForm onImported={handleImported} onCancel={close} />
          )}
        </Tabs>
      )}
    </Modal>
  );
}

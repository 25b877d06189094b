import { usePredictionStore } from '@/store/predictionStore';

function Slider({
  label,
  value,
  onChange,
}: {
  label: string;
  value: number;
  onChange: (value: number) => void;
}) {
  return (
    <label className="flex min-w-44 flex-1 items-center gap-2 text-xs text-slate-600">
      <span className="w-20 shrink-0 font-medium">{label}</span>
      <input
        type="range"
        min={0}
        max={1}
        step={0.01}
        value={value}
        aria-label={label}
        className="w-full accent-sky-600"
        onChange={(event) => {
          onChange(Number(event.target.value));
        }}
      />
      <span className="w-9 text-right tabular-nums">{value.toFixed(2)}</span>
    </label>
  );
}

/** Confidence and IoU thresholds: they re-filter the returned instances in the browser. */
export function ThresholdSliders() {
  const conf = usePredictionStore((state) => state.conf);
  const iou = usePredictionStore((state) => state.iou);
  const setConf = usePredictionStore((state) => state.setConf);
  const setIou = usePredictionStore((state) => state.setIou);
  return (
    <div className="flex flex-wrap gap-x-6 gap-y-2">
      <Slider label="Confidence" value={conf} onChange={setConf} />
      <Slider label="IoU (NMS)" value={iou} onChange={setIou} />
    </div>
  );
}

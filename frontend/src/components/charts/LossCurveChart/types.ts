export interface CurveSeries {
  /** Column of the rows holding this series' values. */
  key: string;
  label: string;
  color: string;
  dashed?: boolean;
}

export type CurveRow = { epoch: number } & Record<string, number | null>;

// The metrics contract workers record through. Names and labels follow
// sdk-core's (temporal_workflow_task_queue_poll_succeed, ...); the health
// endpoint renders them as Prometheus text.
export type MetricLabels = Record<string, string>;

export interface Counter {
  add(value: number, labels?: MetricLabels): void;
}

export interface Gauge {
  set(value: number, labels?: MetricLabels): void;
}

export interface Histogram {
  /** Records a duration in milliseconds (rendered in seconds where sdk-core uses seconds). */
  record(value: number, labels?: MetricLabels): void;
}

export interface MetricMeter {
  counter(name: string, description?: string): Counter;
  gauge(name: string, description?: string): Gauge;
  histogram(name: string, description?: string): Histogram;
  /** A meter that adds `labels` to everything recorded through it. */
  withLabels(labels: MetricLabels): MetricMeter;
}

/** A meter that records nothing: the default when no metrics are wanted. */
export const noopMeter: MetricMeter = {
  counter: () => ({ add() {} }),
  gauge: () => ({ set() {} }),
  histogram: () => ({ record() {} }),
  withLabels: () => noopMeter,
};

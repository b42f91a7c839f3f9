export { type Deltas, MetricsBuffer } from "./metrics-buffer";

/** Worker hardware: inventory probe, GPU tool parsers, DHT capability keys and the GPU monitor. */
export { capabilitiesOf, normaliseGpuModel, vramCapabilityFor } from './capabilities.js'
export { NVIDIA_QUERY_FIELDS, VRAM_BUCKETS_GB } from './constants.js'
export { GpuToolOutputError } from './errors.js'
export {
  GpuMonitor,
  type GpuMonitorComponents,
  type GpuMonitorOptions,
  type HardwareSample,
  HISTORY_SAMPLES,
  type InventoryListener,
  sampleOf
} from './gpu-monitor.js'
export { parseNvidiaSmiCsv } from './nvidia.js'
export {
  type HostFigures,
  type ProbeComponents,
  type Probed,
  type ProbeOptions,
  type ProbeTools,
  parseBlenderProbe,
  probeGpus,
  probeHardware,
  probeHost,
  probeSoftware,
  type SoftwareFigures
} from './probe.js'
export { parseRocmSmiJson } from './rocm.js'
export type { BlenderInfo, CyclesBackend, GpuInfo, GpuVendor, HardwareInventory } from './types.js'

export {
  cpuBackendPlugin,
  tfjsBackendPlugins,
  tfjsNodeBackendPlugin,
  tfjsNodeGpuBackendPlugin,
} from './tfjsBackendPlugins.js';

import { existsSync, readdirSync } from 'node:fs';

/**
 * Whether Linux shows a GPU device node (a DRM render node or NVIDIA's device): without one, only a software
 * adapter can exist, so `auto` need not load Dawn (which takes time and logs to stderr) to know there is no GPU.
 * True off Linux, where the question is left to Dawn.
 */
export function gpuDeviceNodesPresent(platform = process.platform): boolean {
  if (platform !== 'linux') return true;
  if (existsSync('/dev/nvidia0')) return true;
  try {
    return readdirSync('/dev/dri').some((name) => name.startsWith('renderD') || name.startsWith('card'));
  } catch {
    return false;
  }
}

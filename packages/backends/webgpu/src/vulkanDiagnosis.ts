import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const LOADER = 'libvulkan.so.1';
const LIBRARY_DIRS = [
  '/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
];
const ICD_DIRS = ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

function listJson(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
}

/**
 * Why Dawn found no adapter on Linux, where it reaches GPUs through Vulkan: the loader `libvulkan.so.1` missing, or
 * no driver ICD (the json that points the loader at a driver), with what to install. Undefined where both exist
 * (the driver itself refused) or off Linux.
 */
export function diagnoseVulkan(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string | undefined {
  if (platform !== 'linux') return undefined;
  const libraryDirs = [...(env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean), ...LIBRARY_DIRS];
  if (!libraryDirs.some((dir) => existsSync(join(dir, LOADER)))) {
    return `the Vulkan loader ${LOADER} is not installed (Debian/Ubuntu: apt-get install libvulkan1)`;
  }
  const listed = (env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES ?? '').split(delimiter).filter(Boolean);
  if (
    listed.length > 0
      ? !listed.some((file) => existsSync(file))
      : ICD_DIRS.every((dir) => listJson(dir).length === 0)
  ) {
    return (
      'no Vulkan driver ICD is installed (NVIDIA: the driver package, and in Docker NVIDIA_DRIVER_CAPABILITIES must include graphics; ' +
      'AMD/Intel: apt-get install mesa-vulkan-drivers; VK_DRIVER_FILES may point at an ICD json)'
    );
  }
  return undefined;
}

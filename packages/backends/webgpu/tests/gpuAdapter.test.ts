import { describe, expect, it } from 'vitest';
import { describeAdapter, diagnoseVulkan, gpuDeviceNodesPresent, isSoftwareAdapter } from '../src/index.js';

const h200 = {
  vendor: 'nvidia',
  architecture: 'hopper',
  device: 'nvidia-h200',
  description: 'NVIDIA: 570.86',
};
const llvmpipe = {
  vendor: 'mesa',
  architecture: 'software',
  device: 'llvmpipe-llvm-15-0-6-256-bits-',
  description: 'llvmpipe: Mesa 25.0.7',
  isFallbackAdapter: true,
};

describe('GPU adapters', () => {
  it('tell software adapters from hardware ones', () => {
    expect(isSoftwareAdapter(h200)).toBe(false);
    expect(isSoftwareAdapter(llvmpipe)).toBe(true);
    expect(
      isSoftwareAdapter({ vendor: 'google', architecture: '', device: 'swiftshader', description: '' }),
    ).toBe(true);
    expect(isSoftwareAdapter({ ...h200, isFallbackAdapter: true })).toBe(true);
  });

  it('are named by vendor, device (or architecture) and driver', () => {
    expect(describeAdapter(h200)).toEqual({
      vendor: 'nvidia',
      device: 'nvidia-h200',
      driver: 'NVIDIA: 570.86',
      software: false,
    });
    expect(
      describeAdapter({ vendor: 'apple', architecture: 'metal-3', device: '', description: '' }),
    ).toMatchObject({
      device: 'metal-3',
      driver: 'unknown',
    });
  });

  it('say why Vulkan finds no driver, and what to install', () => {
    expect(diagnoseVulkan({}, 'darwin')).toBeUndefined();
    const missingIcd = diagnoseVulkan(
      { LD_LIBRARY_PATH: '/nonexistent', VK_DRIVER_FILES: '/nonexistent/icd.json' },
      'linux',
    );
    if (missingIcd !== undefined && !missingIcd.includes('libvulkan.so.1')) {
      expect(missingIcd).toMatch(/^no Vulkan driver ICD is installed .*graphics.*mesa-vulkan-drivers/);
    } else {
      expect(missingIcd).toMatch(
        /^the Vulkan loader libvulkan\.so\.1 is not installed .*apt-get install libvulkan1/,
      );
    }
  });
});

describe('GPU device nodes', () => {
  it('are left to Dawn off Linux', () => {
    expect(gpuDeviceNodesPresent('darwin')).toBe(true);
  });
});

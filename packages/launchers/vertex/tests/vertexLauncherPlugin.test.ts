import { createLogger, isClsError, PluginRegistry } from '@nextplay/cls-core';
import { pluginOptionDefaults, validatePluginOptions } from '@nextplay/cls-testing';
import { describe, expect, it } from 'vitest';
import {
  createVertexLauncherPlugin,
  launcherPlugins,
  vertexLauncherPlugin,
  VertexLauncher,
} from '../src/index.js';

const context = { logger: createLogger({ console: false }) };
const complete = {
  name: 'vertex',
  project: 'my-project',
  image: 'us-central1-docker.pkg.dev/my-project/cls/cls-gpu:0.1.0',
  output_uri: 'gs://my-bucket/runs',
};

async function createError(node: Record<string, unknown>): Promise<unknown> {
  const registry = new PluginRegistry().register(...launcherPlugins);
  return registry.create('launcher', 'vertex', node, context).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('vertexLauncherPlugin', () => {
  it('is the vertex launcher of @nextplay/cls-launcher-vertex', () => {
    expect(vertexLauncherPlugin).toMatchObject({
      kind: 'launcher',
      name: 'vertex',
      package: '@nextplay/cls-launcher-vertex',
    });
    expect(launcherPlugins).toEqual([vertexLauncherPlugin]);
  });

  it('defaults to one T4 on n1-standard-8 in us-central1 through gcloud', () => {
    expect(pluginOptionDefaults(vertexLauncherPlugin)).toEqual({
      project: null,
      region: 'us-central1',
      image: null,
      machine_type: 'n1-standard-8',
      accelerator_type: 'NVIDIA_TESLA_T4',
      accelerator_count: 1,
      data_uri: null,
      output_uri: null,
      service_account: null,
      display_name_prefix: 'cls',
      mode: 'gcloud',
    });
  });

  it('rejects options of the wrong shape', () => {
    const { valid, errors } = validatePluginOptions(vertexLauncherPlugin, {
      output_uri: 's3://bucket/runs',
      mode: 'ssh',
      accelerator_count: 0,
      region: 'US Central',
    });
    expect(valid).toBe(false);
    expect(errors.join('\n')).toMatch(/\/output_uri/);
    expect(errors.join('\n')).toMatch(/\/mode must be equal to one of the allowed values/);
    expect(errors.join('\n')).toMatch(/\/accelerator_count must be >= 1/);
    expect(errors.join('\n')).toMatch(/\/region must match pattern/);
  });

  it('creates a launcher from a complete node', async () => {
    const registry = new PluginRegistry().register(createVertexLauncherPlugin({ cwd: '/tmp' }));
    await expect(registry.create('launcher', 'vertex', complete, context)).resolves.toBeInstanceOf(
      VertexLauncher,
    );
  });

  it.each([
    [
      'project',
      'hydra.launcher.project: the vertex launcher needs the Google Cloud project id, e.g. my-project (add +hydra.launcher.project=...)',
    ],
    [
      'image',
      'hydra.launcher.image: the vertex launcher needs the Artifact Registry image to run, e.g. us-central1-docker.pkg.dev/my-project/cls/cls-gpu:0.1.0 (add +hydra.launcher.image=...)',
    ],
    [
      'output_uri',
      'hydra.launcher.output_uri: the vertex launcher needs a gs:// directory for the runs; a custom job keeps nothing written outside GCS (add +hydra.launcher.output_uri=...)',
    ],
  ])('says what is missing without %s', async (key, message) => {
    for (const missing of [null, undefined] as const) {
      const node = Object.fromEntries(
        Object.entries<unknown>({ ...complete, [key]: missing }).filter(([, value]) => value !== undefined),
      );
      const error = await createError(node);
      expect(isClsError(error) && error.code).toBe('CONFIG_MISSING_VALUE');
      expect((error as Error).message).toBe(message);
    }
  });

  it('rejects a data_uri that is not gs://', async () => {
    const error = await createError({ ...complete, data_uri: '/mnt/data' });
    expect(isClsError(error) && error.code).toBe('CONFIG_INVALID');
    expect((error as Error).message).toBe(
      'hydra.launcher.data_uri: must be a gs://<bucket>/<path> URI (got "/mnt/data")',
    );
  });
});

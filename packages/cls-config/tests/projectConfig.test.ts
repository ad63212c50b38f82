import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeConfig, loadProjectConfig } from '../src/index.js';
import { CONFIGS } from './helpers.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cls-project-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function errorMessage(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected an error');
}

describe('loadProjectConfig', () => {
  it.each([
    ['cls.config.yaml', 'trainer:\n  max_epochs: 7\n'],
    ['cls.config.yml', 'trainer:\n  max_epochs: 7\n'],
    ['cls.config.json', '{"trainer": {"max_epochs": 7}}'],
    ['.clsrc', 'trainer:\n  max_epochs: 7\n'],
    ['.clsrc.json', '{"trainer": {"max_epochs": 7}}'],
    ['.clsrc.yaml', 'trainer: {max_epochs: 7}\n'],
    ['.clsrc.yml', 'trainer: {max_epochs: 7}\n'],
    ['.clsrc.mjs', 'export default { trainer: { max_epochs: 7 } };\n'],
    ['.clsrc.js', 'export default { trainer: { max_epochs: 7 } };\n'],
    ['.config/clsrc', 'trainer:\n  max_epochs: 7\n'],
    ['.config/clsrc.yaml', 'trainer: {max_epochs: 7}\n'],
    ['cls.config.mjs', 'export default { trainer: { max_epochs: 7 } };\n'],
    ['cls.config.js', 'export default { trainer: { max_epochs: 3 + 4 } };\n'],
    ['cls.config.ts', 'const epochs: number = 7;\nexport default { trainer: { max_epochs: epochs } };\n'],
    ['package.json', '{"name": "p", "type": "module", "cls": {"trainer": {"max_epochs": 7}}}'],
  ])('reads %s', async (name, text) => {
    const files: Record<string, string> = { [name]: text };
    if (name.endsWith('.js')) files['package.json'] = '{"type": "module"}';
    const dir = project(files);
    const found = await loadProjectConfig(dir);
    expect(found?.file).toBe(join(dir, name));
    expect(found?.config).toEqual({ trainer: { max_epochs: 7 } });
  });

  it('searches from the working directory up to the project root', async () => {
    const dir = project({
      'package.json': '{"name": "p"}',
      'cls.config.yaml': 'seed: 1\n',
      'src/deep/x.txt': '',
    });
    expect((await loadProjectConfig(join(dir, 'src', 'deep')))?.config).toEqual({ seed: 1 });
    const nested = project({ 'cls.config.yaml': 'seed: 1\n', 'pkg/package.json': '{"name": "inner"}' });
    expect(await loadProjectConfig(join(nested, 'pkg'))).toBeUndefined();
    expect(await loadProjectConfig(project({ 'package.json': '{"name": "p"}' }))).toBeUndefined();
  });

  it('rejects a config that is not a mapping, and names the file', async () => {
    const dir = project({ 'cls.config.yaml': '- a\n- b\n' });
    expect(await errorMessage(() => loadProjectConfig(dir))).toBe(
      `${join(dir, 'cls.config.yaml')}: a project config must be a mapping of keys to values`,
    );
    const broken = project({ 'cls.config.json': '{"seed": ' });
    expect(await errorMessage(() => loadProjectConfig(broken))).toMatch(/^\/.*cls\.config\.json:1:\d+: \S/);
  });
});

describe('composeConfig with a project config', () => {
  const file = '/p/cls.config.yaml';
  const compose = (config: Record<string, unknown>, ...overrides: string[]) =>
    composeConfig({ configDirs: [CONFIGS], configName: 'train', overrides, projectConfig: { file, config } });

  it('merges the project values over the composed config and under the command line', () => {
    const project = { trainer: { max_epochs: 7 }, seed: 5, data: { batch_size: 8 } };
    const composed = compose(project, 'seed=6');
    expect(composed.config.trainer).toMatchObject({ max_epochs: 7, accelerator: 'auto' });
    expect(composed.config.seed).toBe(6);
    expect(composed.config.data).toMatchObject({ batch_size: 8, name: 'imagefolder' });
    expect(composed.overrides.task).toEqual(['seed=6']);
  });

  it('chooses group options from its defaults list, which the command line still overrides', () => {
    const project = { defaults: [{ model: 'resnet50' }, { optimizer: 'sgd' }] };
    expect(compose(project).choices).toMatchObject({ model: 'resnet50', optimizer: 'sgd' });
    expect(compose(project, 'model=resnet18').choices).toMatchObject({ model: 'resnet18', optimizer: 'sgd' });
    expect(() => compose({ defaults: [{ model: 'resnet51' }] })).toThrow(
      '/p/cls.config.yaml: model=resnet51: no such option in group model; available: resnet18, resnet34, resnet50,',
    );
    expect(() => compose({ defaults: ['model'] })).toThrow('defaults entries must be "group: option" pairs');
    expect(() => compose({ defaults: [{ 'override /modle': 'resnet50' }] })).toThrow(
      /^\/p\/cls\.config\.yaml: modle=resnet50: no such config group modle \(did you mean model\?\)$/,
    );
  });
});

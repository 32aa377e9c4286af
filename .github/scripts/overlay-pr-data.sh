#!/usr/bin/env bash
# Overlays the DATA of a pull request onto a checkout of the base branch, and nothing else.
#
#   .github/scripts/overlay-pr-data.sh <head-sha> [<remote>]     (run at the root of the base checkout)
#
# Trusted code, untrusted data: the workflows that hold an AWS role or a write token check out the base
# branch (code, lockfile, workflows) and then run this script, which copies from the pull request's head
# commit only what the pull request changed under `secrets/` and in `.sops.yaml` (since the merge base, so
# that what the base gained meanwhile stays: the result is what a merge would give). It never checks out
# the head commit: it fetches its objects and reads blobs with `git cat-file`. It refuses, before writing
# anything, when the head has anything but regular files in those paths (symbolic links, submodules) or a
# path that is not plainly under `secrets/`. `cdktf.json` is NOT taken from the pull request: its `app` is a
# command and its `context` strings reach Terraform JSON, where `${...}` is an expression
# (docs/ci-and-review.md, "Threat model"). The result is staged (`git add`) so that renames show as renames.
#
# Exit 0 on success, 1 when the pull request is refused or git fails. Prints counts, never a file name from
# the pull request except escaped with printf %q in an error (a name could carry a `::` workflow command).
# OVERLAY_GIT_TOKEN, when set, authenticates the fetch (GitHub token), through git's environment config:
# never on the command line, never written to .git/config.
set -euo pipefail

die() {
  echo "overlay: $*" >&2
  exit 1
}

head_sha="${1:-}"
remote="${2:-origin}"
[[ "$head_sha" =~ ^[0-9a-f]{40}$ ]] || die "expected the head commit as 40 hex digits, got $(printf '%q' "$head_sha")"
[ -z "$(git status --porcelain --untracked-files=no)" ] || die "the base checkout has local changes"

fetch_env=()
if [ -n "${OVERLAY_GIT_TOKEN:-}" ]; then
  basic="$(printf 'x-access-token:%s' "$OVERLAY_GIT_TOKEN" | base64 | tr -d '\n')"
  fetch_env=(GIT_CONFIG_COUNT=1 "GIT_CONFIG_KEY_0=http.extraheader" "GIT_CONFIG_VALUE_0=AUTHORIZATION: basic $basic")
fi
# fsckObjects refuses trees with `..`, `.git` or other malformed entries.
env "${fetch_env[@]}" git -c transfer.fsckObjects=true fetch --quiet --no-tags --no-recurse-submodules \
  "$remote" "$head_sha" || die "cannot fetch the head commit $head_sha"
[ "$(git cat-file -t "$head_sha")" = commit ] || die "$head_sha is not a commit"
merge_base="$(git merge-base HEAD "$head_sha")" ||
  die "the head commit shares no history with the base checkout (fetch the base with fetch-depth: 0)"

DATA_PATHS=(secrets .sops.yaml)

valid_path() {
  local p="$1" part
  [ "$p" = ".sops.yaml" ] && return 0
  [[ "$p" == secrets/?* ]] || return 1
  IFS=/ read -r -a parts <<<"$p"
  for part in "${parts[@]}"; do
    case "$part" in "" | . | .. | .git | .gitattributes | .gitignore | .gitmodules) return 1 ;; esac
  done
  [[ "$p" != *$'\n'* ]]
}

# 1. Refuse first, write nothing: every entry of the head's data paths must be a regular file.
while IFS= read -r -d '' entry; do
  meta="${entry%%$'\t'*}"
  path="${entry#*$'\t'}"
  mode="${meta%% *}"
  case "$mode" in
    100644 | 100755) ;;
    120000) die "refused: $(printf '%q' "$path") is a symbolic link in the pull request; only regular files are taken from it" ;;
    160000) die "refused: $(printf '%q' "$path") is a submodule in the pull request; only regular files are taken from it" ;;
    *) die "refused: $(printf '%q' "$path") has git mode $mode in the pull request; only regular files are taken from it" ;;
  esac
  valid_path "$path" || die "refused: $(printf '%q' "$path") is not a plain path under secrets/"
done < <(git ls-tree -r -z --full-tree "$head_sha" -- "${DATA_PATHS[@]}")

# 2. Apply what the pull request changed in the data paths since the merge base.
changes=()
while IFS= read -r -d '' status && IFS= read -r -d '' path; do
  valid_path "$path" || die "refused: $(printf '%q' "$path") is not a plain path under secrets/"
  changes+=("$status" "$path")
done < <(git diff-tree -r -z --no-renames --name-status "$merge_base" "$head_sha" -- "${DATA_PATHS[@]}")

no_link_on_the_way() {
  local p="$1" prefix=""
  IFS=/ read -r -a parts <<<"$p"
  for part in "${parts[@]}"; do
    prefix="${prefix:+$prefix/}$part"
    [ ! -L "$prefix" ] || die "refused: the base checkout has a symbolic link at $(printf '%q' "$prefix")"
  done
}

written=0
deleted=0
for ((i = 0; i < ${#changes[@]}; i += 2)); do
  status="${changes[i]}"
  path="${changes[i + 1]}"
  no_link_on_the_way "$path"
  case "$status" in
    D)
      rm -f -- "$path"
      deleted=$((deleted + 1))
      ;;
    A | M | T)
      dir="$(dirname -- "$path")"
      mkdir -p -- "$dir"
      no_link_on_the_way "$path"
      rm -f -- "$path"
      git cat-file blob "$head_sha:$path" >"$path"
      chmod 0644 -- "$path"
      written=$((written + 1))
      ;;
    *) die "unexpected change $status in the pull request" ;;
  esac
done

# Stage the result (-f: a file the base's .gitignore ignores is still the pull request's file).
staged=()
for p in "${DATA_PATHS[@]}"; do
  if [ -e "$p" ] || [ -n "$(git ls-files -- "$p")" ]; then staged+=("$p"); fi
done
[ ${#staged[@]} -eq 0 ] || git add -A -f -- "${staged[@]}"
echo "overlay: $written file(s) written and $deleted deleted under secrets/ and .sops.yaml from ${head_sha:0:12} (merge base ${merge_base:0:12}); code, lockfile, workflows and cdktf.json are the base's"

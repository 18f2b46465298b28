# bash completion for mbhost                               -*- shell-script -*-
# Installed to share/bash-completion/completions/mbhost; the option list
# matches `mbhost --help` (tests/ui/docs.sh checks it).

_mbhost_targets() {
  # The os/arch pairs of the matrix of the --config file, when readable.
  local config=$1 os arch o a
  [[ -r $config ]] || return
  os=$(sed -n 's/^[[:space:]]*os[[:space:]]*=[[:space:]]*\([^;]*\).*/\1/p' "$config" | head -n1)
  arch=$(sed -n 's/^[[:space:]]*arch[[:space:]]*=[[:space:]]*\([^;]*\).*/\1/p' "$config" | head -n1)
  for o in ${os//,/ }; do
    for a in ${arch//,/ }; do
      printf '%s\n' "$o/$a"
    done
  done
}

_mbhost() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion || return
  else
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
  fi

  local options="--config --jobs --target --keep-going --output --set
    --dry-run --no-cache --shard --plugin-dir --describe --force --color --verbose
    --quiet --help --version -c -j -t -k -v -q -h -V"
  local commands="build validate plugins init cache"

  case $prev in
  -c | --config)
    COMPREPLY=($(compgen -f -X '!*.ini' -- "$cur") $(compgen -d -- "$cur"))
    return
    ;;
  --output | --plugin-dir)
    COMPREPLY=($(compgen -d -- "$cur"))
    return
    ;;
  --color)
    COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
    return
    ;;
  -j | --jobs)
    COMPREPLY=($(compgen -W "1 2 4 8 $(nproc 2>/dev/null)" -- "$cur"))
    return
    ;;
  --shard)
    COMPREPLY=($(compgen -W "1/2 2/2 1/3 2/3 3/3" -- "$cur"))
    return
    ;;
  --describe)
    COMPREPLY=($(compgen -W "$(mbhost plugins 2>/dev/null | awk 'NR > 1 && NF >= 5 && $1 != "refused:" && $1 != "search" {print $1}')" -- "$cur"))
    return
    ;;
  -t | --target)
    local i config=
    for ((i = 1; i < cword; i++)); do
      case ${words[i]} in
      -c | --config) config=${words[i + 1]} ;;
      esac
    done
    COMPREPLY=($(compgen -W "$(_mbhost_targets "$config")" -- "$cur"))
    return
    ;;
  --set)
    COMPREPLY=($(compgen -W "project. matrix. toolchain. export. cache. host." -- "$cur"))
    compopt -o nospace 2>/dev/null
    return
    ;;
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  elif ((cword == 1)); then
    COMPREPLY=($(compgen -W "$commands $options" -- "$cur"))
  elif ((cword == 2)) && [ "${words[1]}" = cache ]; then
    COMPREPLY=($(compgen -W "stats prune digest" -- "$cur"))
  fi
}
complete -F _mbhost mbhost

# Sourced by the scripts/ensure-*.sh that install Debian packages when a tool is missing.
# apt_install TAG [apt-get install options] PACKAGE...: as root, or through sudo without a password prompt;
# apt-get's output goes to stderr, so that the caller's stdout stays its own. Returns apt-get's status.
apt_install() {
  local tag=$1
  shift
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "[$tag] ERROR: not root and no sudo: run apt-get install $*" >&2; return 1; }
    sudo=(sudo -n)
  fi
  local packages=() arg
  for arg in "$@"; do [[ $arg == -* ]] || packages+=("$arg"); done
  command -v apt-get >/dev/null || { echo "[$tag] ERROR: no apt-get: install ${packages[*]} by hand" >&2; return 1; }
  echo "[$tag] installing ${packages[*]} (apt-get)" >&2
  "${sudo[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >&2
}

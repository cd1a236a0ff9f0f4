# shellcheck shell=bash
#
# Helpers shared by the scripts in deploy/local/. Source it, do not run it:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Conventions: progress goes to stderr and only when CLOSER_VERBOSE=1 (`log`); one line per real
# change of state (`say`); warnings and errors always (`warn`, `die`). State (pid files, logs,
# data, "started by us" markers) lives under $CLOSER_STATE_DIR, default $REPO/.closer (gitignored).

if [[ -n "${_CLOSER_LIB_SOURCED:-}" ]]; then
  return 0
fi
_CLOSER_LIB_SOURCED=1

CLOSER_SCRIPT_NAME=${CLOSER_SCRIPT_NAME:-$(basename "$0" .sh)}

# ---------------------------------------------------------------------------------------------
# Logging

log() {
  if [[ "${CLOSER_VERBOSE:-0}" == 1 ]]; then
    printf '%s: %s\n' "$CLOSER_SCRIPT_NAME" "$*" >&2
  fi
}

say() { printf '%s: %s\n' "$CLOSER_SCRIPT_NAME" "$*" >&2; }

warn() { printf '%s: warning: %s\n' "$CLOSER_SCRIPT_NAME" "$*" >&2; }

die() {
  printf '%s: error: %s\n' "$CLOSER_SCRIPT_NAME" "$*" >&2
  exit 1
}

# usage_error "message": print the message and the script's $USAGE, exit 2.
usage_error() {
  printf '%s: %s\n%s\n' "$CLOSER_SCRIPT_NAME" "$1" "${USAGE:-}" >&2
  exit 2
}

# show_log_tail FILE [LINES]: the end of a log file, indented, to stderr (for failure reports).
show_log_tail() {
  local file=$1 lines=${2:-40}
  if [[ -s "$file" ]]; then
    printf -- '--- last %s lines of %s ---\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" | sed 's/^/  /' >&2
    printf -- '---\n' >&2
  else
    printf '(%s is empty or missing)\n' "$file" >&2
  fi
}

# run_quietly LOGFILE CMD...: run CMD (in a subshell, so that a `die` inside it is reported too)
# with its output captured in LOGFILE; show the end of that output and fail if CMD fails. Keeps
# successful runs silent without hiding the reason of a failure.
run_quietly() {
  local logfile=$1
  shift
  if ! ("$@") >"$logfile" 2>&1; then
    warn "command failed: $*"
    show_log_tail "$logfile" 60
    return 1
  fi
}

# ---------------------------------------------------------------------------------------------
# Locations

# repo_root: the repository root, derived from this file's location (deploy/local/lib.sh), so it
# works from any working directory and without git.
repo_root() {
  (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
}

REPO=$(repo_root)
CLOSER_STATE_DIR=${CLOSER_STATE_DIR:-$REPO/.closer}
# shellcheck disable=SC2034 # used by the scripts that source this file
CLOSER_LOCAL_DIR="$REPO/deploy/local"

# state_dir [SUB]: create and print $CLOSER_STATE_DIR[/SUB].
state_dir() {
  local dir=$CLOSER_STATE_DIR${1:+/$1}
  mkdir -p "$dir"
  printf '%s\n' "$dir"
}

# ---------------------------------------------------------------------------------------------
# Privileges and packages

# as_root CMD...: run CMD as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "root privileges needed to run '$*': run this script as root or install sudo"
  fi
}

# as_user USER CMD...: run CMD as another OS user (runuser when root, sudo otherwise), from /
# so that the user does not trip over an unreadable working directory.
as_user() {
  local user=$1
  shift
  if [[ "$(id -un)" == "$user" ]]; then
    (cd / && "$@")
  elif [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u "$user" -- "$@")
  elif command -v sudo >/dev/null 2>&1; then
    (cd / && sudo -u "$user" -- "$@")
  else
    die "need to run '$*' as OS user '$user': run this script as root or install sudo"
  fi
}

# package_installed PKG: true when the Debian package is installed.
package_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

# ensure_packages PKG...: install the Debian/Ubuntu packages that are missing (apt-get update
# once per run, exported so that child scripts do not repeat it).
ensure_packages() {
  local pkg missing=()
  if ! command -v dpkg-query >/dev/null 2>&1; then
    for pkg in "$@"; do
      log "cannot check for package $pkg (not a Debian/Ubuntu system); assuming it is there"
    done
    return 0
  fi
  for pkg in "$@"; do
    package_installed "$pkg" || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0

  command -v apt-get >/dev/null 2>&1 \
    || die "missing packages: ${missing[*]} (and no apt-get to install them)"
  say "installing ${missing[*]} with apt-get"
  local aptlog
  aptlog="$(state_dir logs)/apt-get.log"
  if [[ -z "${CLOSER_APT_UPDATED:-}" ]]; then
    run_quietly "$aptlog" as_root apt-get update \
      || die "apt-get update failed (see $aptlog)"
    export CLOSER_APT_UPDATED=1
  fi
  run_quietly "$aptlog" as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" \
    || die "could not install ${missing[*]} (see $aptlog)"
}

# ---------------------------------------------------------------------------------------------
# Processes and ports

# port_open HOST PORT: true when something accepts TCP connections on HOST:PORT.
port_open() {
  # shellcheck disable=SC2016 # $1/$2 belong to the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# wait_for_port HOST PORT TIMEOUT_SECONDS [PID]: wait until HOST:PORT accepts connections.
# Returns 1 on timeout, 2 as soon as PID (when given) is no longer alive.
wait_for_port() {
  local host=$1 port=$2 timeout=$3 pid=${4:-}
  local deadline=$((SECONDS + timeout))
  until port_open "$host" "$port"; do
    if [[ -n "$pid" ]] && ! pid_alive "$pid"; then
      return 2
    fi
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# pid_cmdline PID: the command line of PID (empty if gone).
pid_cmdline() { ps -o args= -p "$1" 2>/dev/null || true; }

# read_pid_file FILE PATTERN: print the pid in FILE when that process is alive and its command
# line contains PATTERN (guards against a recycled pid). Removes a stale FILE; returns 1 then.
read_pid_file() {
  local file=$1 pattern=$2 pid
  [[ -f "$file" ]] || return 1
  pid=$(tr -dc '0-9' <"$file")
  if pid_alive "$pid" && [[ "$(pid_cmdline "$pid")" == *"$pattern"* ]]; then
    printf '%s\n' "$pid"
    return 0
  fi
  log "removing stale pid file $file"
  rm -f "$file"
  return 1
}

# stop_pid PID NAME [TIMEOUT_SECONDS]: SIGTERM (to its process group when PID leads one), wait,
# then SIGKILL. Returns once the process is gone.
stop_pid() {
  local pid=$1 name=$2 timeout=${3:-30} target pgid
  pid_alive "$pid" || return 0
  pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)
  target=$pid
  [[ "$pgid" == "$pid" ]] && target="-$pid"
  kill -TERM -- "$target" 2>/dev/null || true
  local deadline=$((SECONDS + timeout))
  while pid_alive "$pid" && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if pid_alive "$pid"; then
    warn "$name (pid $pid) still running after ${timeout}s; killing it"
    kill -KILL -- "$target" 2>/dev/null || true
    while pid_alive "$pid"; do sleep 0.2; done
  fi
}

# ---------------------------------------------------------------------------------------------
# Java

# java_bin: the java to use ($JAVA_HOME/bin/java, else the one on PATH); checks it is 17+.
java_bin() {
  local java=java major
  [[ -n "${JAVA_HOME:-}" ]] && java="$JAVA_HOME/bin/java"
  command -v "$java" >/dev/null 2>&1 || die "java not found: install a JDK 17+ or set JAVA_HOME"
  major=$("$java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  [[ "${major%%.*}" =~ ^[0-9]+$ && ${major%%.*} -ge 17 ]] \
    || die "$java is Java ${major:-?}; Java 17 or newer is required (set JAVA_HOME)"
  printf '%s\n' "$java"
}

# ensure_built FILE MODULE: build the Maven module MODULE (and what it depends on, installed into ~/.m2) when FILE,
# one of its build outputs, is missing.
ensure_built() {
  local file=$1 module=$2
  [[ -f "$file" ]] && return 0
  say "building $module (./mvnw install -pl $module -am)"
  (cd "$REPO" && ./mvnw -B -q -pl "$module" -am install -DskipTests) || die "could not build $module"
  [[ -f "$file" ]] || die "building $module did not produce $file"
}

# closer_cli CLASS ARGS...: run a command of ingest/target/closer-import.jar (built if missing) against the app at
# CLOSER_URL (default http://localhost:${CLOSER_PORT:-8080}) with CLOSER_API_KEY (default: .closer/admin.key).
closer_cli() {
  local main=$1 jar=${CLOSER_IMPORT_JAR:-$REPO/ingest/target/closer-import.jar}
  shift
  ensure_built "$jar" ingest
  export CLOSER_URL=${CLOSER_URL:-http://localhost:${CLOSER_PORT:-8080}}
  if [[ -z "${CLOSER_API_KEY:-}" && -f "$CLOSER_STATE_DIR/admin.key" ]]; then
    CLOSER_API_KEY=$(cat "$CLOSER_STATE_DIR/admin.key")
    export CLOSER_API_KEY
  fi
  exec "$(java_bin)" -cp "$jar" "dev.closer.ingest.cli.$main" "$@"
}

# hey_paced RATE SECONDS WORKERS [hey arguments... URL]: a fixed request rate for a fixed time from `hey` (installed
# when missing); hey paces each worker at RATE/WORKERS, so RATE must be a multiple of WORKERS.
hey_paced() {
  local rate=$1 seconds=$2 workers=$3
  shift 3
  ((rate % workers == 0)) || die "RATE must be a multiple of WORKERS (hey paces each worker at RATE/WORKERS)"
  command -v hey >/dev/null 2>&1 || ensure_packages hey
  hey -z "${seconds}s" -c "$workers" -q $((rate / workers)) "$@"
}

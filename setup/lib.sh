# shellcheck shell=bash
# Shared set-up steps for setup/run and setup/test. Every step is idempotent: it checks
# first and only acts when something is missing, so running a command twice is quick.
#
# Settings (environment variables):
#   ODOO_SRC            Odoo 18.0 source tree (setup.py, odoo/, addons/)   /opt/odoo/18.0
#   CONNECTOR_VENV      Python virtualenv to create and use                <repo>/.venv
#   PYTHON              interpreter for the venv (3.10 to 3.12)             python3
#   PGHOST / PGPORT     PostgreSQL to use (installed and started if absent) 127.0.0.1 / 5432
#   CONNECTOR_DB_USER / CONNECTOR_DB_PASSWORD   non-superuser role Odoo uses  odoo / odoo

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-/opt/odoo/18.0}"
ODOO_UPSTREAM="${ODOO_UPSTREAM:-https://github.com/odoo/odoo.git}"
CONNECTOR_VENV="${CONNECTOR_VENV:-$REPO_ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
CONNECTOR_DB_USER="${CONNECTOR_DB_USER:-odoo}"
CONNECTOR_DB_PASSWORD="${CONNECTOR_DB_PASSWORD:-odoo}"
VAR_DIR="$REPO_ROOT/var"
VPY="$CONNECTOR_VENV/bin/python"
export PGHOST PGPORT

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[setup] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        die "need root to run: $* (install sudo or run as root)"
    fi
}

_apt_updated=""
apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "missing system packages: ${missing[*]} (no apt-get here: install them by hand)"
    if [ -z "$_apt_updated" ]; then
        log "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        _apt_updated=1
    fi
    log "installing system packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Build tools and headers for the few Odoo requirements without wheels (psycopg2).
ensure_build_deps() {
    local pkgs=()
    command -v gcc >/dev/null || pkgs+=(gcc)
    command -v pg_config >/dev/null || pkgs+=(libpq-dev)
    command -v pg_isready >/dev/null || pkgs+=(postgresql-client)
    "$PYTHON" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
        || pkgs+=(python3-dev)
    "$PYTHON" -c 'import ensurepip' 2>/dev/null || pkgs+=(python3-venv)
    [ ${#pkgs[@]} -eq 0 ] || apt_install "${pkgs[@]}"
}

# Headless Chromium for the tours; Odoo skips a tour silently without it.
ensure_chromium() {
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null || apt_install chromium
}

pg_admin_psql() {
    # Superuser access: trust on TCP as postgres (common in CI), else the local socket.
    if psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
        psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
    elif [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
        su postgres -c "psql -p $PGPORT -d postgres -v ON_ERROR_STOP=1 $(printf '%q ' "$@")"
    else
        sudo -u postgres psql -p "$PGPORT" -d postgres -v ON_ERROR_STOP=1 "$@"
    fi
}

ensure_postgres() {
    command -v pg_isready >/dev/null || apt_install postgresql-client
    if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
        if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
            apt_install postgresql
        fi
        local version
        version="$(ls /etc/postgresql | sort -V | tail -n 1)"
        log "starting PostgreSQL $version"
        as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
            || as_root pg_ctlcluster "$version" main start
        for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
        pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL does not answer on $PGHOST:$PGPORT"
    fi
    if ! PGPASSWORD="$CONNECTOR_DB_PASSWORD" psql -h "$PGHOST" -p "$PGPORT" -U "$CONNECTOR_DB_USER" \
        -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
        log "creating PostgreSQL role $CONNECTOR_DB_USER (LOGIN CREATEDB, not a superuser)"
        pg_admin_psql -c "DO \$\$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$CONNECTOR_DB_USER') THEN
                CREATE ROLE \"$CONNECTOR_DB_USER\" LOGIN CREATEDB NOSUPERUSER PASSWORD '$CONNECTOR_DB_PASSWORD';
              ELSE
                ALTER ROLE \"$CONNECTOR_DB_USER\" LOGIN CREATEDB PASSWORD '$CONNECTOR_DB_PASSWORD';
              END IF; END \$\$;" >/dev/null
    fi
}

odoo_src_ok() { [ -f "$ODOO_SRC/setup.py" ] && [ -f "$ODOO_SRC/odoo/release.py" ] && [ -d "$ODOO_SRC/addons" ]; }

ensure_odoo_src() {
    if ! odoo_src_ok; then
        log "no Odoo source at $ODOO_SRC: trying upstream Odoo 18.0 ($ODOO_UPSTREAM)"
        command -v git >/dev/null || apt_install git || true
        if ! { mkdir -p "$(dirname "$ODOO_SRC")" \
            && timeout 900 git clone -q --depth 1 --branch 18.0 "$ODOO_UPSTREAM" "$ODOO_SRC.partial" \
            && mv "$ODOO_SRC.partial" "$ODOO_SRC"; } 2>/dev/null; then
            rm -rf "$ODOO_SRC.partial"
            die "Odoo 18.0 source not found. Put an Odoo 18.0 Community tree (with setup.py, odoo/ and addons/) at $ODOO_SRC, or point ODOO_SRC at one, or run online so setup can download it."
        fi
    fi
    grep -qE "^version_info = \(18, 0" "$ODOO_SRC/odoo/release.py" \
        || die "$ODOO_SRC is not an Odoo 18.0 tree (odoo/release.py says otherwise)"
}

_venv_stamp() {
    cat "$REPO_ROOT/requirements.txt" "$REPO_ROOT/setup/build-constraints.txt" \
        "$REPO_ROOT/setup/constraints.txt" "$ODOO_SRC/requirements.txt" | sha256sum | cut -c1-16
    echo "$ODOO_SRC"
}

ensure_venv() {
    local stamp_file="$CONNECTOR_VENV/.connector-suite-stamp" want
    want="$(_venv_stamp)"
    if [ -x "$VPY" ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    "$PYTHON" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))' \
        || die "Odoo 18 needs Python 3.10 to 3.12; $PYTHON is $("$PYTHON" -V 2>&1). Set PYTHON."
    ensure_build_deps
    [ -x "$VPY" ] || { log "creating venv $CONNECTOR_VENV"; "$PYTHON" -m venv "$CONNECTOR_VENV"; }
    local pip=("$VPY" -m pip install -q --disable-pip-version-check)
    log "installing pip and setuptools (>=70,<81)"
    "${pip[@]}" -U "pip>=25.3" -c "$REPO_ROOT/setup/constraints.txt" "setuptools>=70,<81" wheel
    local pip_c=("${pip[@]}" -c "$REPO_ROOT/setup/constraints.txt" --build-constraint "$REPO_ROOT/setup/build-constraints.txt")
    log "installing Odoo's requirements (python-ldap left out: only auth_ldap needs it)"
    grep -viE '^\s*python-ldap' "$ODOO_SRC/requirements.txt" > "$CONNECTOR_VENV/odoo-requirements.txt"
    "${pip_c[@]}" -r "$CONNECTOR_VENV/odoo-requirements.txt"
    log "installing Odoo from $ODOO_SRC (editable, compat mode; log: var/pip-odoo.log)"
    mkdir -p "$VAR_DIR"
    # setuptools prints hundreds of packaging warnings for Odoo's tree: keep them in a log.
    "${pip_c[@]}" --no-deps -e "$ODOO_SRC" --config-settings editable_mode=compat \
        >"$VAR_DIR/pip-odoo.log" 2>&1 \
        || { tail -n 40 "$VAR_DIR/pip-odoo.log" >&2; die "installing Odoo failed (var/pip-odoo.log)"; }
    log "installing the suite's requirements"
    "${pip_c[@]}" -r "$REPO_ROOT/requirements.txt"
    echo "$want" > "$stamp_file"
}

# Shell assignments describing .odoo-ci.yml (CI_* variables); needs the venv.
load_ci_config() {
    eval "$("$VPY" "$REPO_ROOT/setup/ci_config.py")"
}

# write_odoo_config FILE WORKERS ADDON_DIRS... : an Odoo configuration for this checkout.
# JOB_CHANNELS overrides the queue_job channels line (root:0 turns the job runner off).
write_odoo_config() {
    local file="$1" workers="$2"; shift 2
    local paths="$ODOO_SRC/addons"
    for dir in "$@"; do paths="$paths,$REPO_ROOT/$dir"; done
    mkdir -p "$VAR_DIR"
    cat > "$file" <<EOF
; Generated by setup/lib.sh: edit setup/lib.sh, not this file.
[options]
addons_path = $paths
data_dir = $VAR_DIR/data
db_host = $PGHOST
db_port = $PGPORT
db_user = $CONNECTOR_DB_USER
db_password = $CONNECTOR_DB_PASSWORD
http_interface = 127.0.0.1
http_port = ${CONNECTOR_HTTP_PORT:-8069}
gevent_port = ${CONNECTOR_GEVENT_PORT:-8072}
server_wide_modules = web,queue_job
workers = $workers
max_cron_threads = 1
limit_time_cpu = 600
limit_time_real = 1200
limit_memory_soft = 2147483648
limit_memory_hard = 2684354560
proxy_mode = False
list_db = True

[queue_job]
channels = ${JOB_CHANNELS:-root:2,root.connector:2,root.connector.stripe:1}
EOF
}

# db_exists NAME
db_exists() {
    PGPASSWORD="$CONNECTOR_DB_PASSWORD" psql -h "$PGHOST" -p "$PGPORT" -U "$CONNECTOR_DB_USER" -d postgres \
        -Atqc "select 1 from pg_database where datname = '$1'" | grep -q 1
}

# drop_db NAME : the database and its filestore.
drop_db() {
    PGPASSWORD="$CONNECTOR_DB_PASSWORD" psql -h "$PGHOST" -p "$PGPORT" -U "$CONNECTOR_DB_USER" -d postgres \
        -qc "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
    rm -rf "$VAR_DIR/data/filestore/$1"
}

# installed_count NAME MODULES(csv) : how many of MODULES are installed in NAME.
installed_count() {
    local list
    list="$(printf "'%s'," ${2//,/ })"
    PGPASSWORD="$CONNECTOR_DB_PASSWORD" psql -h "$PGHOST" -p "$PGPORT" -U "$CONNECTOR_DB_USER" -d "$1" -Atqc \
        "select count(*) from ir_module_module where state = 'installed' and name in (${list%,})"
}

bootstrap() {
    ensure_postgres
    ensure_odoo_src
    ensure_venv
}

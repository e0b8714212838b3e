"""Print .odoo-ci.yml as shell assignments (CI_* variables) for setup/test.

.odoo-ci.yml is the one description of what CI installs and tests; this script is the
only reader, so the shell scripts never repeat its lists.
"""

import shlex
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = ("odoo_series", "addons_paths", "install", "test_database", "test_paths")


def main():
    config = yaml.safe_load((ROOT / ".odoo-ci.yml").read_text())
    missing = [key for key in REQUIRED if not config.get(key)]
    if missing:
        sys.exit(f".odoo-ci.yml: missing {', '.join(missing)}")
    if str(config["odoo_series"]) != "18.0":
        sys.exit(f".odoo-ci.yml: odoo_series {config['odoo_series']} is not 18.0")

    def array(name, values):
        sys.stdout.write(f"{name}=({' '.join(shlex.quote(str(v)) for v in values)})\n")

    def scalar(name, value):
        sys.stdout.write(f"{name}={shlex.quote(str(value))}\n")

    scalar("CI_SERIES", config["odoo_series"])
    array("CI_ADDONS_PATHS", config["addons_paths"])
    scalar("CI_INSTALL", ",".join(config["install"]))
    scalar("CI_DATABASE", config["test_database"])
    array("CI_TEST_PATHS", config["test_paths"])
    array("CI_PYTEST_OPTIONS", config.get("pytest_options") or [])
    scalar("CI_FAIL_ON_SKIP", "1" if config.get("fail_on_skip", True) else "0")


if __name__ == "__main__":
    main()

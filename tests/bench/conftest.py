"""The benchmark smoke test drives its own Odoo server on its own database."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """Shadow pytest-odoo's session fixture: no registry is loaded in-process."""
    yield

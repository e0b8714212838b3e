from . import connector_exception_ignore_wizard
from . import connector_exception_assign_wizard
from . import connector_reconciliation_wizard

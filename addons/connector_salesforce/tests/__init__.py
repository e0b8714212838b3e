from . import test_mappers
from . import test_adapter
from . import test_scenario
from . import test_reconciliation

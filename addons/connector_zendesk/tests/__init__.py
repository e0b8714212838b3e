from . import test_mappers
from . import test_export
from . import test_tickets
from . import test_webhook
from . import test_rate_limit
from . import test_reconciliation

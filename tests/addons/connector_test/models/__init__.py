from . import connector_test_backend
from . import connector_test_partner
from . import connector_test_adapter
from . import connector_test_partner_services
from . import connector_ownership
from . import connector_test_reconciliation

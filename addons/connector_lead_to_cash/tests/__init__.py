from . import test_amendments
from . import test_lead_to_cash
from . import test_tours
from . import test_views

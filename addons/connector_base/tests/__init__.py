from . import test_smoke, test_web_client
from . import test_job_functions
from . import test_workbench
from . import test_tours
from . import test_event_intake

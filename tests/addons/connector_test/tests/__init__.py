from . import test_mappers
from . import test_import
from . import test_batch_checkpoint
from . import test_export_adapter
from . import test_concurrency
from . import test_webhook
from . import test_security
from . import test_masking

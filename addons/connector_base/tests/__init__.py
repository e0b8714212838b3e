from . import test_smoke, test_web_client

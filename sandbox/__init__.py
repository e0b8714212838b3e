"""Local, stateful fakes of Stripe, Salesforce and Zendesk for tests and demos.

See ``sandbox/README.md``. The shared machinery lives in ``sandbox.core``; each
service lives in its own sub-package (``sandbox.stripe``, ...).
"""

"""A throwaway CA and a 127.0.0.1/localhost server certificate, made at run time.

simple-salesforce hard-codes ``https://``, so the fake must speak TLS. The stdlib
cannot create certificates, so this uses ``cryptography`` (already installed as an
Odoo dependency), imported lazily so the rest of the sandbox stays stdlib-only.
Files are generated once per process into a temp dir; clients trust ``ca_path``.
"""

import atexit
import importlib
import shutil
import ssl
import tempfile
import threading
from pathlib import Path

_LOCK = threading.Lock()
_CACHE = {}


def certificate_paths():
    """``{"ca", "cert", "key"}`` PEM paths, generated on first use."""
    with _LOCK:
        if not _CACHE:
            directory = Path(tempfile.mkdtemp(prefix="sandbox-tls-"))
            atexit.register(shutil.rmtree, directory, ignore_errors=True)
            certgen = importlib.import_module(f"{__package__}.certgen")
            _CACHE.update(certgen.write(directory))
        return dict(_CACHE)


def server_context():
    """A TLS server context for the generated certificate, plus the CA path."""
    paths = certificate_paths()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(paths["cert"], paths["key"])
    return context, str(paths["ca"])

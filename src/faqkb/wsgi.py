"""WSGI entry point for any server: ``faqkb.wsgi:app``.

Configured by FAQKB_* variables (docs/settings.md): FAQKB_KB, FAQKB_INDEX, FAQKB_INSTANCE,
FAQKB_SECRET_KEY (share it between replicas), FAQKB_WATCH=true to rebuild when kb/ changes
(one replica only), FAQKB_LOG_LEVEL. This module is the application, so it, not the
library, sets up logging (basicConfig adds nothing where the server already configured it).
"""

import logging

from .web import create_app, load_config
from .web.serving import sparse_queue_warnings

config = load_config()
logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
logging.getLogger("faqkb").setLevel(str(config["LOG_LEVEL"]).upper())
sparse_queue_warnings()  # under waitress-serve; harmless under any other server

app = create_app(config)

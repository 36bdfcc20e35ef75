"""WSGI entry point for any server: ``faqkb.wsgi:app``.

Configured by environment: FAQKB_KB (kb folder), FAQKB_INDEX (index folder), FAQKB_INSTANCE
(feedback database and secret key), FAQKB_SECRET_KEY (share it between replicas), and
FAQKB_WATCH=1 to rebuild when kb/ changes (run it in one replica only)."""

import os

from .web import create_app

app = create_app({"WATCH": os.environ.get("FAQKB_WATCH") == "1"})

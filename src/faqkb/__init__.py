"""faqkb: a multilingual FAQ knowledge base with search.

The core API, shared by the CLI and the web app::

    from faqkb.kbase.load import load_kb
    from faqkb.index import build_index
    from faqkb.search import Searcher

Kept free of imports so that ``import faqkb`` costs nothing at start-up.
"""

__version__ = "0.1.0"

"""The names callers have always imported from ``faqkb.index``, now in ``faqkb.build``
(the builder) and ``faqkb.layout`` (the on-disk layout). New code imports from those."""

from .build import BuildStages, auto_procs, build_index, kb_fingerprint
from .build.analyse import entry_texts
from .build.store import LOCK, claim_index_dir, read_records
from .layout import CURRENT, MARKER, IndexInfo, current_version, live_info

__all__ = ["CURRENT", "LOCK", "MARKER", "BuildStages", "IndexInfo", "auto_procs", "build_index",
           "claim_index_dir", "current_version", "entry_texts", "kb_fingerprint", "live_info", "read_records"]

"""Building an index version from a KnowledgeBase (the query side is engine/ and
search.py; the two share only the on-disk layout, layout.py, and the pure pieces below it).

    pipeline.py       build_index: the stages in order, a version aside, verified, switched
    store.py          the index folder: records, lock, temp dir, CURRENT switch, cleanup
    analyse.py        the analysis of a range of entries (what a build worker does)
    layouts.py        what a hit shows: compact marks, plain answer, snippet layout (in the workers)
    writer.py         whoosh's stored documents, the highlighting marks, entries.json
    impact_writer.py  the impact arrays (impact.py reads them)
    vocabulary.py     the lexicon and did-you-mean's tables
    stages.py         own-question scores, the topic model, the verify step
    workers.py        forked workers (loading and building)
    fingerprint.py    kb_fingerprint
    measure.py        each stage's time and memory, logged

Importing this package is cheap (the CLI and the web import it on every start): what a
build needs is imported when it runs.
"""

from .fingerprint import kb_fingerprint
from .measure import BuildStages
from .pipeline import auto_procs, build_index

__all__ = ["BuildStages", "auto_procs", "build_index", "kb_fingerprint"]

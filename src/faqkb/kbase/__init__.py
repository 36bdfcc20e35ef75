"""The knowledge base as files: its model (``model.py``), whether a folder is one (``folder.py``), loading and
validating it (``load.py``), content rules (``lint.py``) and importing corpora into it (``importer.py``).

Not named ``kb``: the wheel carries the kb data folder as ``faqkb/kb`` (pyproject.toml, paths.py). Imports
nothing: the query path imports ``kbase.model`` and must not pay for YAML or jsonschema."""

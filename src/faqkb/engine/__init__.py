"""The query side: what a query asks (query), how documents are scored (fields), whether
the first hit answers it (answered). The reader of an index version; it shares only the
on-disk layout (layout.py) and the fields with the build. Imports nothing eagerly."""

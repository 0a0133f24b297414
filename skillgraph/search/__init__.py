"""Full-text search over every labelled node of a build (``build/search.sqlite``).

``index`` writes the SQLite FTS5 index from the finished graph; ``query`` answers a
search with ranked hits and facet counts; ``tokens`` is the one tokenizer both use.
"""

from .index import search_index_bytes
from .query import SearchError, SearchResult, search

__all__ = ["SearchError", "SearchResult", "search", "search_index_bytes"]

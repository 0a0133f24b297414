"""`skillgraph serve`: a SPARQL 1.1 endpoint and linked-data pages over one build.

Kept free of imports so that query workers (``python -m skillgraph.server.worker``)
start without loading the web stack; use :mod:`skillgraph.server.app`.
"""

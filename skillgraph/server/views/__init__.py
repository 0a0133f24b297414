"""One view module per kind of page: index, resource, sparql, dumps (on ``base``)."""

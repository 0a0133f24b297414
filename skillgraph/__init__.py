"""skillgraph: national occupational skill standards as a reasoned, validated knowledge graph."""

__version__ = "0.1.0"

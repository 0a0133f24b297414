"""Interchange formats: one module per format, each with a writer and a reader.

``case`` (1EdTech CASE 1.1 packages) and ``ctdl`` (CTDL-ASN JSON-LD) are written from the
built RDF graph, not from the parsed model, so what they hold is what the graph states;
``diff`` compares two editions of one occupation.  ``graph`` holds what they share: loading
a build, finding the standards in it, the stable UUIDs.
"""

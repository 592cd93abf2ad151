"""Linkage: program-list rows and the registry made into one record per person and per household
(normalise -> block -> compare/score -> cluster -> merge)."""

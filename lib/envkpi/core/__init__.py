"""The ground floor: units, the catalogue, parameters, input tables, the site register, provenance, results.

Shared by every family and every other part of envkpi; imports nothing above it and names no family.
"""

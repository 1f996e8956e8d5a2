"""Shared infrastructure below every feature app: reading tabular files and reporting their
bad rows, the exporter base, the XLSX page setup, chart helpers and the registry of register
sources. It imports no cchc app, so every app may import it (see [tool.importlinter])."""

"""Composition root: reads configuration, opens the store, starts the GUI or the CLI."""

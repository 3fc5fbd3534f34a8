"""Side panels of the editor (see ui.editor.panels.PANEL_SPECS)."""

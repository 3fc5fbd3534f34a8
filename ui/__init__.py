"""PySide6 widgets and view-models. Talks to core services only; no ffmpeg, SQL or HTTP here."""

"""Media work on the creator's machine with ffmpeg/ffprobe (through ffmpeg-python)."""

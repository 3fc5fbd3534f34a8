"""Local HTTP counterparts of the services the app talks to (tests only)."""

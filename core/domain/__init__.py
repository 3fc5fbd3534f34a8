"""Pure rules and value types. No I/O, and no import of anything else in the project."""

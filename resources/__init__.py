"""Icons (hand-written SVG using ``currentColor``) and the stylesheet, read with importlib.resources."""

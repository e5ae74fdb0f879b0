"""The Textual interface. It reaches the workspace only through repositories."""

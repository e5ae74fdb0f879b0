"""Use cases: what the screens and the shell commands both do with a workspace (read it
through the repositories, hand the data to an exchange format). Never Textual, never
argparse: a use case takes a workspace and plain values, and returns data or text."""

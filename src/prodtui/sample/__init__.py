"""Sample workspaces: the demo (`sample.demo`) and the large benchmark workspace (`sample.large`).

They write workspaces through the store, like a use case. Nothing in the app's own
start-up imports them: only `prodtui demo` and the tests do.
"""

"""The reference: a bare Textual app (Header, Static, Footer), as in shared/tools/README.md."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Hello, bare Textual app")
        yield Footer()


if __name__ == "__main__":
    BareApp().run()

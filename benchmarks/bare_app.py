"""The reference: a bare Textual app (Header, Static, Footer), as in shared/tools/README.md.

Key `2` switches to a second screen holding a 200-row DataTable and `1` comes back: the
reference for prodtui's screen switches, measured in the same run. That screen is built
only when asked for, so the first paint measured is still the hello-world one.
"""

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class TableScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        from textual.widgets import DataTable

        yield Header()
        yield Static("Bare table screen")
        table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True)
        table.add_columns("N", "Who", "Text")
        for n in range(200):
            table.add_row(str(n), f"Person {n % 15}", f"Some words of row {n} " * 3)
        yield table
        yield Footer()


class BareApp(App[None]):
    MODES = {"hello": Screen, "table": TableScreen}
    DEFAULT_MODE = "hello"
    BINDINGS = [("1", "switch_mode('hello')", "Hello"), ("2", "switch_mode('table')", "Table")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Hello, bare Textual app")
        yield Footer()


if __name__ == "__main__":
    BareApp().run()

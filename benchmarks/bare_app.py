"""The reference: a bare Textual app (Header, Static, Footer), measured beside prodtui.

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
        table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True)
        table.add_columns("N", "Who", "Text")
        for n in range(200):
            table.add_row(str(n), f"Person {n % 15}", f"Some words of row {n} " * 3)
        yield table
        yield Footer()


class BareApp(App[None]):
    # A named screen is built on its first push and kept after a pop, as prodtui keeps the
    # screens of its modes.
    SCREENS = {"table": TableScreen}
    BINDINGS = [("1", "hello", "Hello"), ("2", "table", "Table")]

    def action_table(self) -> None:
        if not isinstance(self.screen, TableScreen):
            self.push_screen("table")

    def action_hello(self) -> None:
        if isinstance(self.screen, TableScreen):
            self.pop_screen()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Hello, bare Textual app")
        yield Footer()


if __name__ == "__main__":
    BareApp().run()

"""Import and export: Markdown, Gherkin, JUnit XML, CSV, JSON."""

"""Drawing decision trees: the diagram model, Mermaid and SVG output, layout and the HTML page."""

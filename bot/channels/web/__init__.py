"""The local web page: chat endpoint, static files and the diagram routes."""

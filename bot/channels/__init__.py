"""Channel adapters: each turns its platform's requests into neutral turns and renders replies."""

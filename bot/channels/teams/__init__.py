"""Microsoft Teams: the Bot Framework adapter, Adaptive Cards and the app manifest."""

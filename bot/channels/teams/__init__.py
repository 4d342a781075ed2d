"""Microsoft Teams: one adapter per SDK (Bot Framework, Microsoft 365 Agents SDK), the SDK-free
activity translation and posting they share, Adaptive Cards and the app manifest."""

"""Slack: the Bolt app mounted on aiohttp, and Block Kit rendering."""

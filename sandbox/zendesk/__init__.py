"""Fake Zendesk Support API: organizations, users, tickets, exports, webhooks.

Start it with ``ZendeskServer(...).start()`` (or as a context manager) and point the
connector's base URL at ``server.url``; see ``README.md`` for what is covered.
"""

"""Stateful fake of the Salesforce REST, OAuth and Bulk 2.0 APIs (HTTPS)."""

"""Salesforce-shaped errors raised by the pure layers and rendered by the server."""


class SalesforceError(Exception):
    """One API error: ``[{"message", "errorCode", "fields"}]`` with an HTTP status."""

    def __init__(self, code, message, status=400, fields=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.fields = list(fields or [])

    def as_dict(self):
        body = {"message": self.message, "errorCode": self.code}
        if self.fields:
            body["fields"] = self.fields
        return body

    def as_collection_error(self):
        """sObject Collections name the code ``statusCode`` instead."""
        return {"statusCode": self.code, "message": self.message, "fields": self.fields}


def not_found(message="The requested resource does not exist"):
    return SalesforceError("NOT_FOUND", message, status=404)


def invalid_field(message, fields=None):
    return SalesforceError("INVALID_FIELD", message, fields=fields)


def malformed_query(message):
    return SalesforceError("MALFORMED_QUERY", message)
